import { users as contracts } from "@bazaar/contracts";
import { getUser as get } from "../accounts.js";
import { users } from "../declaration.js";

export const getUser = users.handle(contracts.getUser, (input, ctx) => get(ctx.db, input.userId));
