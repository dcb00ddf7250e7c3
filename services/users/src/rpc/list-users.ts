import { users } from "@bazaar/contracts";
import { listUsersAfter } from "../accounts.js";
import { usersService } from "../declaration.js";

/** Rows read per query; the stream's credit decides how fast pages are read, so memory stays flat. */
const PAGE = 500;

/** Every user (or every user of one role), read page by page by id while the caller consumes the stream. */
export const listUsers = usersService.handle(users.listUsers, async function* (input, ctx) {
  for (let after = ""; ; ) {
    const page = listUsersAfter(ctx.db, { after, limit: PAGE, role: input.role });
    yield* page;
    const last = page.at(-1);
    if (page.length < PAGE || !last) return;
    after = last.id;
  }
});
