/**
 * SQLite result codes that describe the service's storage rather than the event being applied: the disk or
 * the page limit is full (`SQLITE_FULL`), an I/O error (`SQLITE_IOERR_*`), a read-only file, mount or
 * connection (`SQLITE_READONLY*`), another connection holding the lock past the busy timeout
 * (`SQLITE_BUSY*`, `SQLITE_LOCKED*`), a file that cannot be opened or is damaged (`SQLITE_CANTOPEN*`,
 * `SQLITE_CORRUPT*`, `SQLITE_NOTADB`), or no memory (`SQLITE_NOMEM`). Every event would fail the same way,
 * so such a failure says nothing about the event.
 */
const STORAGE_CODE = /^SQLITE_(FULL|IOERR|READONLY|BUSY|LOCKED|CANTOPEN|CORRUPT|NOTADB|NOMEM)(_[A-Z_]+)?$/;

/**
 * `storageErrorCode` returns the SQLite code when `err` (or an error it wraps: drizzle wraps the driver's
 * error as its `cause`, handlers may wrap too) is a storage failure, else undefined.
 */
export function storageErrorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; e instanceof Error && depth < 6; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && STORAGE_CODE.test(code)) return code;
    e = e.cause;
  }
  return undefined;
}
