/** Process lifecycle shared by the agent and the registrar. */
import type { Logger } from "./log";

/**
 * Stops cleanly on SIGTERM/SIGINT, once; exits after 5 s even if stopping hangs, so systemd or
 * the kubelet never has to escalate to SIGKILL.
 */
export function stopOnSignals(log: Logger, stop: () => Promise<unknown>): void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("stopping", { signal });
    const force = setTimeout(() => process.exit(0), 5000);
    force.unref();
    stop().finally(() => process.exit(0));
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

/** Runs a program's main; a failure is logged as one JSON line and exits 1. */
export function runMain(main: () => Promise<void>): void {
  main().catch((e) => {
    console.error(
      JSON.stringify({ ts: new Date().toISOString(), level: "error", msg: "fatal", error: String(e) }),
    );
    process.exit(1);
  });
}
