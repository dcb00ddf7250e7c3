/**
 * `withOrderLock` runs `fn` after every earlier call for the same order has finished, so two concurrent
 * charges (or a charge and its refund) of one order never both reach the processor. The lock is per process;
 * across instances the processor's idempotency key and the payments table's primary key keep the order
 * charged once.
 */
export async function withOrderLock<T>(orderId: string, fn: () => Promise<T>): Promise<T> {
  const previous = tails.get(orderId) ?? Promise.resolve();
  let release = (): void => {};
  const current = new Promise<void>((resolve) => {
    release = resolve;
  });
  const tail = previous.then(() => current);
  tails.set(orderId, tail);
  await previous;
  try {
    return await fn();
  } finally {
    release();
    // The last waiter removes the entry, so the map only holds orders with work in flight.
    if (tails.get(orderId) === tail) tails.delete(orderId);
  }
}

// Each tail resolves when the last queued call for its order has finished; it never rejects.
const tails = new Map<string, Promise<void>>();
