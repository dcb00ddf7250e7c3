import { startTestService, type TestService, type TestServiceOptions } from "@bazaar/service-kit/testing";
import { service } from "../service.js";

/**
 * `startUsers` starts the users service for a test and returns once the broker has its endpoint
 * subscriptions. The kit resolves `startService` before those SUBs are flushed, so a caller on another
 * connection could otherwise get "no responders" right after a (re)start; one round trip on the
 * service's own connection closes that window.
 */
export async function startUsers(options: TestServiceOptions): Promise<TestService> {
  const svc = await startTestService(service, options);
  await svc.runtime.nats.nc.flush();
  return svc;
}
