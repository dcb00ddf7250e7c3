// Preloaded (`node --import`) into every process the dev runner starts: when the runner dies without
// stopping it (SIGKILL, a crash), the process is re-parented and stops itself the way SIGTERM stops it,
// gracefully, instead of holding its port until someone finds it.
import { PARENT_PID_VARIABLE, parentIsGone } from "./parent-pid.js";

const expected = Number(process.env[PARENT_PID_VARIABLE]);
if (Number.isInteger(expected) && expected > 0) {
  const timer = setInterval(() => {
    if (!parentIsGone(expected)) return;
    clearInterval(timer);
    process.kill(process.pid, "SIGTERM");
  }, 500);
  timer.unref();
}
