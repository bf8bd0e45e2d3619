/**
 * Grafana through the HAProxy tier, end to end on loopback: the route Monitoring's grafanaService
 * makes (PlatformRoute), published by the real Route provider; the bundled registrar registering
 * the members from the labelled Service's slices in the monitoring namespace
 * (--platform-namespaces); a real switchyard-agent driving a real HAProxy. Only the Kubernetes API
 * is the stand-in (test/registrar/fakeKubeApi.ts); the Grafana "pod" is an HTTP server on 127.0.0.1
 * answering on Grafana's health path.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Testbed, get, startBackend, waitUntil } from "../../hosts/testbed";
import type { Backend } from "../../hosts/testbed";
import { platformRoute } from "../../components/apps/platform/platformRoute";
import type { PlatformServiceArgs } from "../../components/apps/platform/platformRoute";
import { routeProvider } from "../../components/apps/route/provider";
import { GRAFANA_HEALTH_PATH, GRAFANA_ROUTE_APP, SERVICE_NAMES } from "../../components/monitoring/layout";
import { ROOT } from "../helpers/plan";
import { buildBundles, endpoint, platformSlice, startRegistrar } from "../hosts/registrar/support";
import type { RegistrarRun } from "../hosts/registrar/support";

const HOST = "grafana.example.test";

describe(
  "Grafana as a platform route: registrar + Route provider + agent + HAProxy",
  { timeout: 180_000 },
  () => {
    let bed: Testbed;
    let run: RegistrarRun;
    let grafana: Backend;
    let impostor: Backend;
    let service: PlatformServiceArgs;

    const until = <T>(what: string, probe: () => Promise<T | undefined>) =>
      waitUntil(what, 20_000, probe, 50).catch((e: Error) => {
        throw new Error(`${e.message}\nregistrar log:\n${run.log()}`);
      });

    before(async () => {
      buildBundles();
      bed = await Testbed.start({
        agents: 1,
        etcdMembers: 1,
        etcdTls: true,
        agentScript: join(ROOT, "dist/agent/switchyard-agent.js"),
      });
      grafana = await startBackend("blue", GRAFANA_HEALTH_PATH);
      impostor = await startBackend("green", GRAFANA_HEALTH_PATH);
      service = {
        app: GRAFANA_ROUTE_APP,
        host: HOST,
        namespace: { key: "monitoring", name: "monitoring" },
        port: grafana.port,
        healthCheckPath: GRAFANA_HEALTH_PATH,
      };
      run = await startRegistrar(bed.etcd, { platformNamespaces: ["monitoring"], resyncSeconds: 30 });
    });

    after(async () => {
      await run?.stop();
      await grafana?.close();
      await impostor?.close();
      await bed?.stop();
    });

    test("the route's create returns once HAProxy serves Grafana's pod, registered from the monitoring namespace", async () => {
      run.kube.apply(
        platformSlice(
          "monitoring",
          SERVICE_NAMES.grafana,
          GRAFANA_ROUTE_APP,
          [endpoint("grafana-7d9f-abcde", "127.0.0.1")],
          grafana.port,
        ),
      );
      // A second Service claiming the same route app, and one in a namespace the registrar was not
      // given: neither adds a server.
      run.kube.apply(
        platformSlice(
          "monitoring",
          "zz-grafana-copy",
          GRAFANA_ROUTE_APP,
          [endpoint("copy-1", "127.0.0.1")],
          impostor.port,
        ),
      );
      run.kube.apply(
        platformSlice(
          "logging",
          "grafana",
          GRAFANA_ROUTE_APP,
          [endpoint("other-1", "127.0.0.1")],
          impostor.port,
        ),
      );
      const tls = bed.etcd.tls!;
      const res = await routeProvider.create({
        ...platformRoute(service),
        etcd: {
          endpoints: bed.etcd.endpoints,
          ca: readFileSync(tls.caFile, "utf8"),
          cert: readFileSync(tls.clientCertFile, "utf8"),
          key: readFileSync(tls.clientKeyFile, "utf8"),
        },
        gate: { healthTimeoutMs: 30_000, verifyTimeoutMs: 30_000, pollMs: 100, smokeCheckUrls: [] },
      });
      assert.equal(res.outs.live, "blue");
      await bed.waitForColour(HOST, "blue");
      const before = grafana.served;
      assert.equal((await get(bed.ports[0], HOST)).status, 200);
      assert.equal(grafana.served, before + 1);
      assert.equal(impostor.served, 0);
      // Status is published on a timer: wait for the one that shows the check risen.
      const [status] = await bed.waitForStatus(
        "grafana/blue UP",
        (st) => st.backends[`${GRAFANA_ROUTE_APP}/blue`]?.up === 1,
      );
      assert.deepEqual(status.backends[`${GRAFANA_ROUTE_APP}/blue`], { up: 1, total: 1 });
      assert.equal(status.backends[`${GRAFANA_ROUTE_APP}/green`]?.up ?? 0, 0);
      assert.equal(status.routes[HOST]?.liveColour, "blue");
      const registrar = (await (await fetch(`http://127.0.0.1:${run.httpPort}/status`)).json()) as {
        platformNamespaces: string[];
      };
      assert.deepEqual(registrar.platformNamespaces, ["monitoring"]);
    });

    test("a terminating Grafana pod leaves HAProxy's backend; its successor joins", async () => {
      run.kube.apply(
        platformSlice(
          "monitoring",
          SERVICE_NAMES.grafana,
          GRAFANA_ROUTE_APP,
          [endpoint("grafana-7d9f-abcde", "127.0.0.1", { ready: false, serving: true, terminating: true })],
          grafana.port,
        ),
      );
      await until("grafana/blue to have no servers", async () => {
        const [status] = await bed.agentStatuses();
        return status?.backends[`${GRAFANA_ROUTE_APP}/blue`]?.total === 0 ? true : undefined;
      });
      assert.equal((await get(bed.ports[0], HOST)).status, 503);
      run.kube.apply(
        platformSlice(
          "monitoring",
          SERVICE_NAMES.grafana,
          GRAFANA_ROUTE_APP,
          [endpoint("grafana-7d9f-fghij", "127.0.0.1")],
          grafana.port,
        ),
      );
      await bed.waitForColour(HOST, "blue");
      assert.equal(impostor.served, 0);
    });
  },
);
