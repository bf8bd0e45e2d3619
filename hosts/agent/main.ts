/** Entry point of switchyard-agent (bundled to dist/agent/switchyard-agent.js). */
import { readFileSync } from "node:fs";
import { Agent } from "./agent";
import { loadConfig, usage } from "./config";
import { configOrExit } from "../runtime/flags";
import { runMain, stopOnSignals } from "../runtime/lifecycle";
import { createLogger } from "../runtime/log";

async function main(): Promise<void> {
  const config = configOrExit(
    "switchyard-agent",
    loadConfig(process.argv.slice(2), (path) => readFileSync(path, "utf8")),
    usage,
  );
  if (!config) return;
  const log = createLogger(config.logLevel, { agent: config.agentId });
  const agent = new Agent(config, log);
  // HAProxy is left running on purpose: it keeps serving while the agent restarts or upgrades.
  stopOnSignals(log, () => agent.stop());
  await agent.start();
  log.info("started", { httpPort: agent.httpPort(), etcd: config.etcdEndpoints, stateDir: config.stateDir });
}

runMain(main);
