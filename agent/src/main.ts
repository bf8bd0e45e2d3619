/** Entry point of switchyard-agent (bundled to dist/agent/switchyard-agent.js). */
import { readFileSync } from "node:fs";
import { Agent } from "./agent";
import { loadConfig, usage } from "./config";
import { createLogger } from "./log";

async function main(): Promise<void> {
  const result = loadConfig(process.argv.slice(2), (path) => readFileSync(path, "utf8"));
  if (result.kind === "help") {
    console.log(usage());
    return;
  }
  if (result.kind === "error") {
    console.error(`switchyard-agent: ${result.message}\n\n${usage()}`);
    process.exit(2);
  }
  const { config } = result;
  const log = createLogger(config.logLevel, { agent: config.agentId });
  const agent = new Agent(config, log);
  let stopping = false;
  // HAProxy is left running on purpose: it keeps serving while the agent restarts or upgrades.
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("stopping", { signal });
    const force = setTimeout(() => process.exit(0), 5000);
    force.unref();
    agent.stop().finally(() => process.exit(0));
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  await agent.start();
  log.info("started", { httpPort: agent.httpPort(), etcd: config.etcdEndpoints, stateDir: config.stateDir });
}

main().catch((e) => {
  console.error(
    JSON.stringify({ ts: new Date().toISOString(), level: "error", msg: "fatal", error: String(e) }),
  );
  process.exit(1);
});
