/**
 * `changedFields` names the top-level fields of an event's data that an edit changed, added or removed,
 * sorted: what the audit log records about an edit, without the values (which may be personal data).
 */
export function changedFields(originalPayload: unknown, data: Readonly<Record<string, unknown>>): string[] {
  const envelope = originalPayload && typeof originalPayload === "object" ? originalPayload : {};
  const raw = (envelope as { data?: unknown }).data;
  const before: Record<string, unknown> =
    raw && typeof raw === "object" ? (raw as Record<string, unknown>) : {};
  const names = new Set([...Object.keys(before), ...Object.keys(data)]);
  return [...names].filter((name) => JSON.stringify(before[name]) !== JSON.stringify(data[name])).sort();
}
