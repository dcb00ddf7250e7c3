// Streams and their consumers (JetStream), and the order-views read model's rebuild.
import { api } from "../api.js";
import { $, esc, table } from "../lib/html.js";
import { loadRebuild } from "./read-model.js";

async function load() {
  // The read model has its own service: when it does not answer, the streams are still shown.
  const rebuild = loadRebuild().catch((err) => {
    $("#rebuild-status").innerHTML = `<p class="error">${esc(err.message)}</p>`;
  });
  const [{ streams }] = await Promise.all([api("/api/admin/streams"), rebuild]);
  $("#streams-table").innerHTML = streams
    .map(
      (s) =>
        `<h3>${esc(s.name)} <small class="muted">${esc(s.description)} · ${s.messages} messages · ${(s.bytes / 1024).toFixed(1)} KiB</small></h3>` +
        table(
          [
            { label: "consumer", value: (c) => c.name },
            { label: "pending", num: true, value: (c) => c.num_pending },
            { label: "ack pending", num: true, value: (c) => c.num_ack_pending },
            { label: "redelivered", num: true, value: (c) => c.num_redelivered },
          ],
          s.consumers,
        ),
    )
    .join("");
}

export const streamsPanel = { tab: "streams", load };
