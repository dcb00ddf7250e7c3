"""Tails the gateway's admin event stream and checks every message against /openapi.json.

The stream cannot go through schemathesis (it stays open, so a request never ends); this reads it while
both fuzz runs make events, validates each message's data against the schema the document gives
the stream's 200 response, and exits 1 on any message outside it (or when the stream never got ready).
It stops on SIGTERM or SIGINT, or after --seconds, and prints what it saw.

Usage: check_event_stream.py BASE_URL TOKEN [--seconds N]
"""

import json
import signal
import sys
import threading

import requests
import jsonschema_rs

PATH = "/api/admin/events/stream"


def stream_schema(base_url):
    doc = requests.get(f"{base_url}/openapi.json", timeout=10).json()
    response = doc["paths"][PATH]["get"]["responses"]["200"]
    schema = response["content"]["text/event-stream"]["schema"]
    # References point into the document's components: validate from a root that carries them.
    return jsonschema_rs.Draft202012Validator({**schema, "components": doc["components"]})


def main():
    base_url, token = sys.argv[1], sys.argv[2]
    seconds = float(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--seconds" else 600.0
    validator = stream_schema(base_url)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    counts = {}
    failures = []
    response = requests.get(f"{base_url}{PATH}", headers={"Authorization": f"Bearer {token}"}, stream=True, timeout=(10, None))
    if response.status_code != 200 or not response.headers.get("content-type", "").startswith("text/event-stream"):
        print(f"events: the stream answered {response.status_code} {response.headers.get('content-type')}")
        return 1
    print("events: tailing the admin event stream", flush=True)

    def read():
        # Blocking reads on a thread of their own: the main thread decides when to stop.
        event, data = "message", []
        try:
            for line in response.iter_lines(decode_unicode=True):
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].lstrip())
                elif line == "" and data:
                    check(event, "\n".join(data))
                    event, data = "message", []
        except requests.exceptions.RequestException:
            pass
        stop.set()

    def check(event, text):
        counts[event] = counts.get(event, 0) + 1
        try:
            errors = [str(e) for e in validator.iter_errors(json.loads(text))]
        except ValueError as err:
            errors = [f"not JSON: {err}"]
        if errors:
            failures.append(f"{event}: {errors[0]}")

    threading.Thread(target=read, daemon=True).start()
    stop.wait(seconds)
    seen = ", ".join(f"{n} {e}" for e, n in sorted(counts.items())) or "nothing"
    print(f"events: {sum(counts.values())} messages ({seen}), {len(failures)} outside the documented schema")
    for failure in failures[:20]:
        print(f"events:   {failure}")
    if counts.get("ready", 0) != 1 or counts.get("message", 0) == 0:
        print("events: the stream never got ready, or carried no event to check")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
