// npm run bench:routing — flip latency through real etcd and two real agents/HAProxies under
// keep-alive load, the confd-style rewrite-and-reload path for comparison (driven by the bench
// itself, scripts/lib/bench/reloadFlipper.ts, on the same HAProxies), and a cold start
// against 1,000 routes. Prints a table, then one JSON line (the last line of the output).
import { execFileSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { resolve } from "node:path";
import { Testbed } from "../hosts/testbed";
import type { Backend, LoadResult } from "../hosts/testbed";
import type { Colour } from "../model/etcd/schema";
import { startRemoteBackends, startRemoteLoad } from "./lib/bench/remote";
import { ReloadFlipper } from "./lib/bench/reloadFlipper";

const REPO = resolve(__dirname, "..");
const BUNDLE = resolve(REPO, "dist/agent/switchyard-agent.js");
const HOST = "bench.example.com";
const AGENTS = 2;
const MIN_FLIPS = 50;
const MIN_REQUESTS = 100_000;
const RELOAD_FLIPS = 20;
const LOAD_CONNECTIONS = 8;
// Probe every 5 ms: finer adds little resolution and steals CPU from etcd and the agents.
const PROBE_MS = 5;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round = (n: number) => Math.round(n * 10) / 10;

/** Flips repeatedly under load; each latency runs from the etcd write until every agent serves it. */
async function flipUnderLoad(bed: Testbed, minFlips: number, minRequests: number, pauseMs: number) {
  const load = startRemoteLoad({ ports: bed.ports, hosts: [HOST], connections: LOAD_CONNECTIONS });
  const latencies: number[] = [];
  let colour: Colour = (await bed.readRoute(HOST)).liveColour;
  const route = await bed.readRoute(HOST);
  for (;;) {
    colour = colour === "blue" ? "green" : "blue";
    const started = performance.now();
    await bed.writeRoute({ ...route, liveColour: colour });
    await bed.waitForColour(HOST, colour, 15_000, PROBE_MS);
    latencies.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, pauseMs));
    if (latencies.length >= minFlips && (await load.snapshot()).requests >= minRequests) break;
  }
  const result: LoadResult = await load.stop();
  return { latencies, result };
}

async function main(): Promise<void> {
  execFileSync(process.execPath, [resolve(REPO, "hosts/build.mjs")], { cwd: REPO, stdio: "inherit" });
  const bed = await Testbed.start({ agents: AGENTS, agentScript: BUNDLE });
  const shared: Backend[] = [];
  try {
    const backends = await startRemoteBackends(2);
    shared.push(...backends.blue, ...backends.green);
    // Checks every second: with 200 ms checks a CPU-starved backend misses its check timeout.
    await bed.deployApp({ app: "bench", host: HOST, backends, healthCheck: { intervalMs: 1000 } });
    await bed.waitForColour(HOST, "blue");
    await bed.waitForHealth("bench", "green", (n) => n === 2);

    console.error("runtime path: flipping under load ...");
    const runtime = await flipUnderLoad(bed, MIN_FLIPS, MIN_REQUESTS, 100);

    console.error("reload path (confd-style) ...");
    // The agents stop (their HAProxies keep serving) and the bench flips those same HAProxies the
    // confd way: every change rewrites the map and reloads.
    for (const a of bed.agents) await a.stop();
    const flipper = await ReloadFlipper.start(
      bed.etcd.client,
      HOST,
      bed.agents.map((a) => a.stateDir),
    );
    const reload = await flipUnderLoad(bed, RELOAD_FLIPS, 0, 100).catch((e: Error) => {
      throw new Error(`${e.message}; reload path errors: ${flipper.errors.join("; ") || "none"}`);
    });
    await flipper.stop();
    if (flipper.errors.length > 0) throw new Error(`reload path failed: ${flipper.errors.join("; ")}`);
    for (const a of [...bed.agents]) await bed.removeAgent(a);

    console.error("cold start against 1,000 routes ...");
    const hosts = await bed.deployManyRoutes(
      1000,
      { blue: backends.blue[0], green: backends.green[0] },
      { intervalMs: 5000 },
    );
    const started = performance.now();
    await bed.addAgent({ id: "cold" });
    await bed.waitForColour(hosts[hosts.length - 1], "blue", 30_000);
    const routes1000ApplyMs = performance.now() - started;

    const r = runtime.result;
    console.error(
      `slowest runtime flips (ms): ${[...runtime.latencies]
        .sort((a, b) => b - a)
        .slice(0, 5)
        .map(round)
        .join(", ")}`,
    );
    const summary = {
      agents: AGENTS,
      flips: runtime.latencies.length,
      flipP50Ms: round(percentile(runtime.latencies, 50)),
      flipP99Ms: round(percentile(runtime.latencies, 99)),
      reloadFlipP50Ms: round(percentile(reload.latencies, 50)),
      requests: r.requests,
      // Strict: a keep-alive connection closed under a client counts as failed even if retried.
      failedRequests: r.failures + r.resets,
      requestsPerSec: Math.round(r.requests / (r.elapsedMs / 1000)),
      routes1000ApplyMs: Math.round(routes1000ApplyMs),
    };
    const rows: [string, string, string][] = [
      ["", "Runtime API (switchyard)", "rewrite + reload (confd-style)"],
      ["agents", String(AGENTS), String(AGENTS)],
      ["flips", String(runtime.latencies.length), String(reload.latencies.length)],
      ["flip p50 ms", String(summary.flipP50Ms), String(summary.reloadFlipP50Ms)],
      ["flip p99 ms", String(summary.flipP99Ms), String(round(percentile(reload.latencies, 99)))],
      [
        "flip max ms",
        String(round(Math.max(...runtime.latencies))),
        String(round(Math.max(...reload.latencies))),
      ],
      ["requests", String(r.requests), String(reload.result.requests)],
      ["failed requests", String(r.failures), String(reload.result.failures)],
      ["connections reset (retried)", String(r.resets), String(reload.result.resets)],
      [
        "requests/s",
        String(summary.requestsPerSec),
        String(Math.round(reload.result.requests / (reload.result.elapsedMs / 1000))),
      ],
    ];
    const widths = [0, 1, 2].map((c) => Math.max(...rows.map((row) => row[c].length)));
    for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c])).join("  |  "));
    console.log(
      `cold start of an agent against 1,000 routes until HAProxy serves them: ${summary.routes1000ApplyMs} ms`,
    );
    console.log(
      `runtime path is ${round(summary.reloadFlipP50Ms / summary.flipP50Ms)}x faster than reload (p50)`,
    );
    // Flip tails depend on CPU contention: say how busy the machine was.
    console.log(
      `machine: ${cpus().length} CPUs, load average ${loadavg().map(round).join(" / ")} (1/5/15 min)`,
    );
    console.log(JSON.stringify(summary));
  } catch (e) {
    // A failed run says why: the agents' last log lines (their directories go with the testbed).
    for (const a of bed.agents)
      console.error(`--- agent ${a.id}:\n${a.logs().split("\n").slice(-15).join("\n")}`);
    throw e;
  } finally {
    await bed.stop();
    // All backends live in one child process: closing one stops them all.
    await shared[0]?.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
