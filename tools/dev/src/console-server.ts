/** Placeholder until the console exists: the dev runner starts nothing on the console port yet. */
export async function startConsole(_options: {
  port: number;
  gatewayUrl: string;
}): Promise<{ url: string | undefined; stop(): Promise<void> }> {
  return { url: undefined, stop: async () => {} };
}
