import type { HttpClient } from "./http.js";

/** `callCount` sums the gateway's `bazaar_rpc_calls_total` for one subject (one result code, or all), from `/metrics`. */
export async function callCount(api: HttpClient, subject: string, code?: string): Promise<number> {
  const { text } = await api.get("/metrics");
  let total = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith("bazaar_rpc_calls_total{") || !line.includes(`subject="${subject}"`)) continue;
    if (code && !line.includes(`code="${code}"`)) continue;
    total += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return total;
}

/** `gaugeValue` reads one unlabelled-by-us gauge of the gateway from `/metrics`. */
export async function gaugeValue(api: HttpClient, name: string): Promise<number> {
  const { text } = await api.get("/metrics");
  const line = text.split("\n").find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : Number.NaN;
}
