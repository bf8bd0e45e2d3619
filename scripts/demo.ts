/**
 * `npm run demo`: a blue-green release end to end on a real local data plane (the agent's testbed:
 * 3 etcd members, 2 HAProxy hosts each driven by a switchyard-agent, real HTTP backends), driven by
 * the Route's provider exactly as `pulumi up` drives it. Narrates on stderr; the last line on stdout
 * is one JSON object. Every process it starts is stopped at the end, on error, or on Ctrl-C.
 */
import type { Backend } from "../hosts/testbed";
import { Testbed, sleep, startBackend } from "../hosts/testbed";
import { routeProvider } from "../components/apps/route/provider";
import { RouteError } from "../components/apps/route/operations";
import type { RouteInputs, RouteOutputs } from "../components/apps/route/operations";
import type { Colour } from "../model/validators";
import {
  HEALTH_PATH,
  closeBackends,
  deployColours,
  routeInputs,
  setMembers,
} from "../test/apps/support/dataPlane";

const APP = "shop";
const HOST = "shop.example.test";
const PREVIEW = "preview.shop.example.test";
const REPLICAS = 2;

const t0 = performance.now();
function say(msg: string): void {
  process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${msg}\n`);
}

let bed: Testbed | undefined;
const owned: Backend[] = [];
let colours: Record<Colour, Backend[]> | undefined;

async function cleanup(): Promise<void> {
  await bed?.stop();
  if (colours) await closeBackends(colours);
  await Promise.allSettled(owned.map((b) => b.close()));
}

// Ctrl-C / SIGTERM: the testbed's own handlers (hosts/testbed/procs.ts) kill every etcd member,
// agent and HAProxy it started before the process exits; the backends live in this process.

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: Math.round(performance.now() - started) };
}

async function main(): Promise<void> {
  say("Starting the data plane: a 3-member etcd cluster and 2 HAProxy hosts, each with a switchyard-agent");
  bed = await Testbed.start({ agents: 2, etcdMembers: 3 });
  const b = bed;
  say(`  etcd ${b.etcd.endpoints.join(", ")}; HAProxy on ports ${b.ports.join(", ")}`);

  say(
    `Deploying ${APP}: v1 on blue, v2 on green, ${REPLICAS} pods each (their addresses are the agents' members)`,
  );
  colours = await deployColours(b, APP, HOST, REPLICAS);
  const v1 = colours.blue;
  const inputs = (live: Colour, gate: Partial<RouteInputs["gate"]> = {}): RouteInputs => ({
    ...routeInputs(b, colours!, { app: APP, host: HOST, live, previewHost: PREVIEW, minHealthy: REPLICAS }),
    // Checks every 500 ms; three misses mark a server down so a busy machine does not flap.
    healthCheck: { intervalMs: 500, rise: 2, fall: 3 },
    gate: {
      healthTimeoutMs: 20_000,
      verifyTimeoutMs: 20_000,
      pollMs: 25,
      smokeCheckUrls: b.ports.map((p) => `http://127.0.0.1:${p}`),
      ...gate,
    },
  });

  say(`Route create: ${HOST} → blue (v1), preview ${PREVIEW} → green; waits until every agent confirms`);
  let state = (await routeProvider.create(inputs("blue"))).outs as RouteOutputs;
  await b.waitForColour(HOST, "blue", 20_000);
  say(
    `  live on every HAProxy: ${(await b.colours(HOST)).join(", ")}; preview: ${(await b.colours(PREVIEW)).join(", ")}`,
  );

  say("Load: 8 keep-alive connections through both HAProxy hosts, from now until the end");
  const load = b.startLoad([HOST], 8);
  await sleep(1000);

  say(
    "Release v2: gated flip blue → green (every agent must see green healthy; smoke check via the preview host)",
  );
  const flip = await timed(
    async () => (await routeProvider.update!(state.key, state, inputs("green"))).outs as RouteOutputs,
  );
  state = flip.value;
  say(
    `  flipped in ${flip.ms} ms (gate, write, confirmation by every agent); now serving ${(await b.colours(HOST)).join(", ")}`,
  );
  say(`  blue keeps v1 warm (flippedAt ${state.flippedAt}): a rollback is a flip, not a deploy`);

  say("Release v3 (broken: its health check fails) rolls out on the idle colour, blue");
  const v3 = await Promise.all(Array.from({ length: REPLICAS }, () => startBackend("blue", HEALTH_PATH)));
  owned.push(...v3);
  v3.forEach((s) => (s.healthy = false));
  await setMembers(b, APP, "blue", v3);
  await b.waitForHealth(APP, "blue", (up) => up === 0, 20_000);
  say("  every agent's HAProxy sees blue 0 UP; asking the Route to promote blue anyway");
  let refused = false;
  let refusalReason = "";
  try {
    state = (await routeProvider.update!(state.key, state, inputs("blue", { healthTimeoutMs: 3000 })))
      .outs as RouteOutputs;
  } catch (e) {
    if (!(e instanceof RouteError)) throw e;
    refused = true;
    refusalReason = e.reasons[0] ?? e.message;
    say(`  refused, as \`pulumi up\` would fail:\n${e.message.replace(/^/gm, "    ")}`);
  }
  if (!refused) throw new Error("the Route promoted a colour with no healthy server");
  say(`  still serving ${(await b.colours(HOST)).join(", ")}; the failed release changed nothing in etcd`);

  say(
    "Rollback: v2 misbehaves in production. The v3 rollout never became ready, so blue's v1 pods never left",
  );
  say("  (maxUnavailable 0); blue's endpoints return to v1 and the route flips back");
  await setMembers(b, APP, "blue", v1);
  await b.waitForHealth(APP, "blue", (up) => up >= REPLICAS, 20_000);
  const rollback = await timed(
    async () => (await routeProvider.update!(state.key, state, inputs("blue"))).outs as RouteOutputs,
  );
  state = rollback.value;
  say(`  rolled back to v1 in ${rollback.ms} ms; serving ${(await b.colours(HOST)).join(", ")}`);
  await sleep(1000);

  const result = await load.stop();
  say(
    `Load: ${result.requests} requests, ${result.failures} failed; blue ${result.byColour.blue}, green ${result.byColour.green}`,
  );
  result.failureSamples.forEach((s) => say(`  failed: ${s}`));
  await routeProvider.delete!(state.key, state);
  say("Route deleted; stopping every process");
  await cleanup();
  process.stdout.write(
    `${JSON.stringify({
      flipMs: flip.ms,
      refused,
      refusalReason,
      rollbackMs: rollback.ms,
      requests: result.requests,
      failedRequests: result.failures,
    })}\n`,
  );
  if (result.failures > 0) process.exitCode = 1;
}

main().catch(async (e: unknown) => {
  say(`demo failed: ${e instanceof Error ? e.message : String(e)}`);
  await cleanup();
  process.exit(1);
});
