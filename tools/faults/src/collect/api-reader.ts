import { type ClientSettings, carefully } from "../client/careful-client.js";
import type { Session } from "../client/session.js";

/**
 * `readJson` GETs a path carefully (retried through faults like any command) and returns the body of a
 * 200, or undefined with the reason in `gaps` (the answer, or none). With `allowMissing`, a 404 is an
 * answer too (undefined, no gap): the caller reports what is missing.
 */
export async function readJson(
  settings: ClientSettings,
  session: Session,
  path: string,
  gaps: string[],
  { allowMissing = false }: { readonly allowMissing?: boolean } = {},
): Promise<unknown> {
  const answer = await carefully(settings, {
    op: "read",
    key: `read ${path}`,
    method: "GET",
    path,
    token: session.token,
    refresh: session.refresh,
  });
  if (answer?.status === 200) return answer.body;
  if (allowMissing && answer?.status === 404) return undefined;
  gaps.push(`GET ${path}: ${answer ? `answered ${answer.status}` : "no answer"}`);
  return undefined;
}

/** `readPages` follows `nextCursor` through a paginated list, `limit` items a page. */
export async function readPages<T>(
  settings: ClientSettings,
  session: Session,
  path: string,
  gaps: string[],
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes("?") ? "&" : "?";
    const page = (await readJson(
      settings,
      session,
      `${path}${cursor ? `${separator}cursor=${encodeURIComponent(cursor)}` : ""}`,
      gaps,
    )) as { items?: T[]; nextCursor?: string | null } | undefined;
    if (!page) break;
    items.push(...(page.items ?? []));
    cursor = page.nextCursor ?? null;
  } while (cursor);
  return items;
}
