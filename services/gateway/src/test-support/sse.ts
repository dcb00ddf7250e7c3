/** One server-sent event as a test reads it. */
export interface SseMessage {
  readonly event: string;
  readonly data: string;
  readonly id: string | undefined;
}

/**
 * `openEventStream` connects to an SSE endpoint with fetch and lets a test wait for messages; `close()`
 * disconnects, as a browser tab closing would.
 */
export async function openEventStream(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  const reader = res.body?.getReader();
  const decoder = new TextDecoder();
  const received: SseMessage[] = [];
  let buffer = "";

  const pump = async (): Promise<void> => {
    if (!reader) return;
    const { done, value } = await reader.read();
    if (done) throw new Error("the event stream ended");
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf("\n\n");
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = { event: "message", data: [] as string[], id: undefined as string | undefined };
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) fields.event = line.slice(7);
        else if (line.startsWith("data: ")) fields.data.push(line.slice(6));
        else if (line.startsWith("id: ")) fields.id = line.slice(4);
      }
      if (fields.data.length > 0)
        received.push({ event: fields.event, data: fields.data.join("\n"), id: fields.id });
      end = buffer.indexOf("\n\n");
    }
  };

  // One reader loop for the life of the stream; `next` only looks at what has arrived.
  void (async () => {
    for (;;) await pump();
  })().catch(() => undefined);

  return {
    status: res.status,
    headers: res.headers,
    /** Reads until a message matches (or `timeoutMs` passes), and returns it. */
    async next(match: (m: SseMessage) => boolean, timeoutMs = 10_000): Promise<SseMessage> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = received.findIndex(match);
        if (index >= 0) return received.splice(index, 1)[0] as SseMessage;
        if (Date.now() > deadline) throw new Error("no matching server-sent event in time");
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close(): void {
      controller.abort();
    },
  };
}
