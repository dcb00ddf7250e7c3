import type { SystemInvariant } from "../check-context.js";
import { violation } from "../violation.js";

/** Every SQLite file is sound after the run's crashes. */
export const storesIntact: SystemInvariant = {
  name: "sqlite-integrity",
  description: "PRAGMA integrity_check answers ok for every service's SQLite file",
  check({ final }) {
    return final.stores
      .filter((s) => s.integrity.length !== 1 || s.integrity[0] !== "ok")
      .map((s) =>
        violation(this.name, s.service, `${s.file}: integrity_check: ${s.integrity.slice(0, 5).join("; ")}`),
      );
  },
};

/** The final state was collected in full: what could not be read cannot be vouched for. */
export const stateCollected: SystemInvariant = {
  name: "final-state-collected",
  description: "every part of the final state (API, streams, SQLite files) could be read",
  check({ final }) {
    return final.gaps.map((gap, i) => violation(this.name, `gap-${i + 1}`, gap));
  },
};

/** What each service's own invariants (`services/<name>/src/invariants.ts`) found. */
export const serviceInvariantsHold: SystemInvariant = {
  name: "service-invariants",
  description: "every invariant a service declares in its src/invariants.ts holds on its SQLite file",
  check({ final }) {
    return final.serviceFindings.map((f) =>
      violation(`${f.service}/${f.invariant}`, f.subject, f.message, f.counts),
    );
  },
};

/** No service died by itself: a crash under a fault (a poison message, a full disk) is a bug of its own. */
export const servicesStayUp: SystemInvariant = {
  name: "services-stay-up",
  description: "no service exits unless the harness kills or stops it",
  check({ history }) {
    return history.flatMap((e) =>
      e.type === "exit"
        ? [
            violation(
              this.name,
              e.service,
              `${e.service} exited by itself (${e.code ?? e.signal}): ${e.tail.split("\n").slice(-3).join(" | ")}`,
            ),
          ]
        : [],
    );
  },
};
