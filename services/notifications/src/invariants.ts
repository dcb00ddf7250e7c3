/**
 * The invariants notifications owns, which the fault suite (`pnpm test:faults`, tools/faults) checks on
 * this service's SQLite file, opened read-only, after every scenario. This module imports nothing: its
 * shape is the suite's `ServiceInvariant`, matched structurally, so the service never depends on the suite.
 */

type Row = Readonly<Record<string, string | number | bigint | Buffer | null>>;

interface Input {
  query(sql: string, params?: readonly (string | number)[]): readonly Row[];
  readonly facts: { readonly users: ReadonlyArray<{ readonly userId: string; readonly email: string }> };
}

interface Violation {
  readonly subject: string;
  readonly message: string;
}

export const invariants = [
  {
    name: "contacts-known",
    description:
      "every user who has an account has a contact here: without one, every message to them waits for ever",
    check: ({ query, facts }: Input): Violation[] =>
      facts.users
        .filter((user) => query("SELECT 1 FROM contacts WHERE user_id = ?", [user.userId]).length === 0)
        .map((user) => ({
          subject: user.userId,
          message: `no contact for user ${user.userId} (${user.email})`,
        })),
  },
  {
    name: "messages-delivered",
    description: "once the system is quiet, every message is sent: none waits and none was given up on",
    check: ({ query }: Input): Violation[] =>
      query(
        `SELECT id, event_type, status, attempts, last_error FROM notifications WHERE status <> 'sent'`,
      ).map((r) => ({
        subject: String(r.id),
        message: `message ${r.id} (${r.event_type}) is ${r.status} after ${r.attempts} attempts${r.last_error ? `: ${r.last_error}` : ""}`,
      })),
  },
] as const;
