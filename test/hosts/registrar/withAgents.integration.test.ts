/**
 * End to end on loopback: the bundled registrar writes the members, a real switchyard-agent (bundle)
 * drives a real HAProxy from them, and requests reach real backends. Only the Kubernetes API is the
 * stand-in (fakeKubeApi.ts); the "pods" are testbed backends on 127.0.0.1.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Testbed, get, startBackend, waitUntil } from "../../../hosts/testbed";
import type { Backend } from "../../../hosts/testbed";
import { ROOT } from "../../helpers/plan";
import { buildBundles, endpoint, slice, startRegistrar } from "./support/index";
import type { RegistrarRun } from "./support/index";

const HOST = "shop.example.com";

describe("registrar + agent + HAProxy", () => {
  let bed: Testbed;
  let run: RegistrarRun;
  let blue: Backend;
  let green: Backend;

  before(async () => {
    buildBundles();
    bed = await Testbed.start({
      agents: 1,
      etcdMembers: 1,
      etcdTls: true,
      agentScript: join(ROOT, "dist/agent/switchyard-agent.js"),
    });
    blue = await startBackend("blue");
    green = await startBackend("green");
    const healthCheck = { path: "/health", intervalMs: 200, rise: 2, fall: 2 };
    // No members are written by hand: the route alone, as the Route resource writes it.
    await bed.writeRoute({
      host: HOST,
      app: "shop",
      liveColour: "blue",
      backends: { blue: { port: 30001, healthCheck }, green: { port: 30002, healthCheck } },
      minHealthy: 1,
    });
    // No --apps: shop is discovered from its labelled slices, as an app team's app would be.
    run = await startRegistrar(bed.etcd, { resyncSeconds: 30 });
  });

  after(async () => {
    await run?.stop();
    await blue?.close();
    await green?.close();
    await bed?.stop();
  });

  test("HAProxy serves the live colour from the pod the registrar registered, and flips to green", async () => {
    run.kube.apply(slice("shop", "blue", [endpoint("shop-blue-a", "127.0.0.1")], blue.port));
    run.kube.apply(slice("shop", "green", [endpoint("shop-green-a", "127.0.0.1")], green.port));
    await bed.waitForColour(HOST, "blue");
    await bed.waitForHealth("shop", "green", (up) => up === 1);
    await bed.setLiveColour(HOST, "green");
    await bed.waitForColour(HOST, "green");
    assert.ok(green.served > 0);
  });

  test("a terminating pod leaves HAProxy's backend, and the guard then refuses a flip to it", async () => {
    run.kube.apply(
      slice(
        "shop",
        "blue",
        [endpoint("shop-blue-a", "127.0.0.1", { ready: false, serving: true, terminating: true })],
        blue.port,
      ),
    );
    await waitUntil("blue to have no servers", 15_000, async () => {
      const [status] = await bed.agentStatuses();
      return status?.backends["shop/blue"]?.total === 0 ? true : undefined;
    }).catch((e: Error) => {
      throw new Error(`${e.message}\nregistrar log:\n${run.log()}`);
    });
    await bed.setLiveColour(HOST, "blue");
    await bed.waitForStatus("the flip back to be refused", (s) => s.routes[HOST]?.state === "refused");
    assert.equal((await get(bed.ports[0], HOST)).colour, "green");
  });
});
