import type { TestService } from "@bazaar/service-kit/testing";

/** `waitForOutbox` waits until the service has published every committed event (or 5 s pass). */
export async function waitForOutbox(svc: TestService): Promise<void> {
  for (let i = 0; i < 100 && (svc.runtime.outboxStats()?.pending ?? 0) > 0; i++)
    await new Promise((r) => setTimeout(r, 50));
}
