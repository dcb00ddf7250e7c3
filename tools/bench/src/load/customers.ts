import { randomUUID } from "node:crypto";

/** `call` sends one JSON request to the public API and reads the JSON answer. */
export async function call(
  gatewayUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(new URL(path, gatewayUrl), {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

/** `withRetry` sends a command again (same key) after a timeout, a 429 or a key in flight, as a careful client does. */
async function withRetry(send: () => ReturnType<typeof call>) {
  for (let attempt = 1; ; attempt++) {
    const res = await send();
    if (![409, 429, 502, 503, 504].includes(res.status) || attempt === 10) return res;
    await new Promise((r) => setTimeout(r, 250 * attempt));
  }
}

/** `customer` registers and signs in one customer (registration hashes the password: slow on purpose). */
async function customer(gatewayUrl: string): Promise<string> {
  const email = `bench-${randomUUID()}@example.com`;
  const password = "bench-password-123";
  const key = randomUUID();
  const reg = await withRetry(() =>
    call(
      gatewayUrl,
      "POST",
      "/api/auth/register",
      { email, password, name: "Bench" },
      { "Idempotency-Key": key },
    ),
  );
  if (reg.status !== 201) throw new Error(`register: HTTP ${reg.status} ${JSON.stringify(reg.body)}`);
  const login = await withRetry(() => call(gatewayUrl, "POST", "/api/auth/login", { email, password }));
  const token = login.body as { accessToken?: string } | undefined;
  if (login.status !== 200 || !token?.accessToken)
    throw new Error(`login: HTTP ${login.status} ${JSON.stringify(login.body)}`);
  return token.accessToken;
}

/** `customers` signs up and signs in `n` customers, four at a time (32 scrypt hashes at once time out on 2 cores). */
export async function customers(gatewayUrl: string, n: number): Promise<string[]> {
  const tokens: string[] = [];
  while (tokens.length < n)
    tokens.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(4, n - tokens.length) }, () => customer(gatewayUrl)),
      )),
    );
  return tokens;
}
