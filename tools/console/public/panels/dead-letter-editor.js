// Edit and replay: the operator fixes a dead letter's event data (JSON in a textarea) and replays it. The
// gateway checks it against the event's contract, republishes it under the same event id, and records
// who edited it and when; the page says so.
import { api } from "../api.js";
import { $, esc } from "../lib/html.js";

let editing = null;

function close() {
  editing = null;
  $("#dlq-editor").hidden = true;
  $("#dlq-editor").innerHTML = "";
}

function issuesOf(body) {
  const issues = Array.isArray(body?.issues) ? body.issues : [];
  return issues.map((i) => `<li class="mono">${esc(i.path || "(data)")}: ${esc(i.message)}</li>`).join("");
}

/** Opens the editor on a dead letter (as listed), with its event data; `reload` refreshes the list after. */
export function openEditor(deadLetter, reload) {
  if (!deadLetter) return;
  editing = deadLetter;
  const data =
    deadLetter.payload && typeof deadLetter.payload === "object" ? deadLetter.payload.data : undefined;
  const editor = $("#dlq-editor");
  editor.hidden = false;
  editor.innerHTML =
    `<h3>Edit dead letter ${esc(deadLetter.id)} <small class="muted">${esc(deadLetter.eventType ?? "")} · event ${esc(deadLetter.eventId ?? "")}</small></h3>` +
    `<p class="muted">Only the event's <code>data</code> changes; its id stays, so a consumer that already applied it skips it. The replay is recorded as edited, with your name and the time.</p>` +
    `<textarea id="dlq-edit-data" rows="14" spellcheck="false" aria-label="Event data (JSON)"></textarea>` +
    `<p><button type="button" id="dlq-edit-replay">Replay edited</button> <button type="button" id="dlq-edit-cancel">Cancel</button></p>` +
    `<div id="dlq-edit-result" role="status"></div>`;
  // Set as a value, not markup: the payload is shown exactly, whatever it contains.
  $("#dlq-edit-data").value = JSON.stringify(data ?? {}, null, 2);
  $("#dlq-edit-cancel").addEventListener("click", close);
  $("#dlq-edit-replay").addEventListener("click", () => submit(reload));
  $("#dlq-edit-data").focus();
}

async function submit(reload) {
  const result = $("#dlq-edit-result");
  let data;
  try {
    data = JSON.parse($("#dlq-edit-data").value);
  } catch (err) {
    result.innerHTML = `<p class="error">not valid JSON: ${esc(err.message)}</p>`;
    return;
  }
  if (!data || typeof data !== "object" || Array.isArray(data)) {
    result.innerHTML = `<p class="error">the event's data must be a JSON object</p>`;
    return;
  }
  const id = editing.id;
  try {
    const done = await api(`/api/admin/dead-letters/${encodeURIComponent(id)}/edit-replay`, {
      method: "POST",
      body: JSON.stringify({ data }),
    });
    close();
    $("#dlq-result").textContent =
      `replayed dead letter ${done.id} edited, to ${done.subject}: recorded as edited by ${done.editedBy ?? "an operator"} at ${new Date(done.editedAt).toLocaleTimeString()}`;
    $("#dlq-result").dataset.edited = String(done.id);
    await reload().catch(() => undefined);
  } catch (err) {
    const issues = issuesOf(err.body);
    result.innerHTML = `<p class="error" data-edit-error>${esc(err.message)}</p>${issues ? `<ul data-edit-issues>${issues}</ul>` : ""}`;
  }
}
