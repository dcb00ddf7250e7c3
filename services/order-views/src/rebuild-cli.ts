// `pnpm --filter @bazaar/order-views rebuild`: asks the running order-views service to rebuild its read
// model from the streams, and prints progress until it has switched over.
import { orderViews } from "@bazaar/contracts";
import { connectRpcClient } from "@bazaar/service-kit/platform";

const servers = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
// With PARTITIONS set (as the services run), every partition rebuilds its own file.
const partitions = Number(process.env.PARTITIONS ?? "1");
const { client, close } = await connectRpcClient({ servers, caller: "order-views-rebuild", partitions });
try {
  let status = await client.call(orderViews.rebuild, {});
  console.log(`rebuild ${status.rebuildId} started`);
  while (status.state === "running") {
    await new Promise((r) => setTimeout(r, 500));
    status = await client.call(orderViews.rebuildStatus, {});
    console.log(`  ${status.processed}/${status.total} events replayed`);
  }
  for (const skip of status.skippedEvents)
    console.log(`  skipped ${skip.stream} #${skip.seq} ${skip.subject}: ${skip.reason}`);
  console.log(
    status.state === "completed"
      ? `rebuilt from ${status.processed} events (${status.skipped} skipped as invalid) and switched over (${status.mode})`
      : `rebuild ${status.state}: ${status.error}`,
  );
  process.exitCode = status.state === "completed" ? 0 : 1;
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
} finally {
  await close();
}
