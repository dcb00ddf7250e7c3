import { users } from "@bazaar/contracts";
import { getUser as get } from "../accounts.js";
import { usersService } from "../declaration.js";

export const getUser = usersService.handle(users.getUser, (input, ctx) => get(ctx.db, input.userId));
