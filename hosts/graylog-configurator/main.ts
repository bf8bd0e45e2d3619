/**
 * Entry point of graylog-configurator (bundled to dist/graylog-configurator/graylog-configurator.js),
 * run by a Kubernetes Job on every change of what it applies (docs/logging.md, "Graylog"). Settings
 * come from the environment: the desired state as a mounted file, credentials from Secrets.
 */
import { readFileSync } from "node:fs";
import type { GraylogDesiredState } from "../../model/graylog";
import { runMain } from "../runtime/lifecycle";
import { createLogger } from "../runtime/log";
import { readEnv } from "./config";
import { GraylogClient, configure } from "./run";

async function main(): Promise<void> {
  const env = readEnv(process.env);
  if ("error" in env) {
    console.error(`graylog-configurator: ${env.error}`);
    process.exit(2);
  }
  const log = createLogger("info", { component: "graylog-configurator" });
  const desired = JSON.parse(readFileSync(env.desiredStateFile, "utf8")) as GraylogDesiredState;
  const client = new GraylogClient(env);

  const deadline = Date.now() + env.waitSeconds * 1000;
  while (!(await client.alive())) {
    if (Date.now() > deadline) throw new Error(`Graylog at ${env.url} not ALIVE after ${env.waitSeconds}s`);
    await new Promise((r) => setTimeout(r, 5_000));
  }
  const changes = await configure(client, desired, { password: env.kafkaPassword }, log);
  log.info("done", { changes });
}

runMain(main);
