/**
 * The bundled registrar (dist/registrar/switchyard-registrar.js, the file the cluster runs) against
 * a real single-member etcd with mTLS and the Kubernetes list/watch stand-in of fakeKubeApi.ts.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startEtcdCluster } from "../../../hosts/testbed/etcd-cluster";
import type { EtcdCluster } from "../../../hosts/testbed/etcd-cluster";
import { sleep, waitUntil } from "../../../hosts/testbed/procs";
import type { FakeKubeApi } from "./support/fakeKubeApi";
import { buildBundles, endpoint, slice, startRegistrar } from "./support/index";
import type { EndpointSlice } from "../../../hosts/registrar/members";
import { parseExposition, sampleValue } from "../../helpers/prometheus";

/** A slice of a Service without the routed label (one BlueGreenService did not declare). */
function unlabelled(s: EndpointSlice): EndpointSlice {
  const labels = { ...s.metadata.labels };
  delete labels["switchyard.io/routed"];
  return { ...s, metadata: { ...s.metadata, labels } };
}
import type { RegistrarRun } from "./support/index";

const PREFIX = "/switchyard/v1/members/";
const UNMANAGED = `${PREFIX}billing/blue/billing-1`;

describe("switchyard-registrar against real etcd and a Kubernetes list/watch stand-in", () => {
  let etcd: EtcdCluster;
  let run: RegistrarRun;
  let kube: FakeKubeApi;
  let httpPort: number;

  const members = async () => {
    const all = await etcd.client.getAll().prefix(PREFIX).strings();
    return Object.fromEntries(Object.entries(all).map(([k, v]) => [k.slice(PREFIX.length), v]));
  };
  const until = <T>(what: string, probe: () => Promise<T | undefined>) =>
    waitUntil(what, 15_000, probe, 50).catch((e: Error) => {
      throw new Error(`${e.message}\nregistrar log:\n${run.log()}`);
    });
  // Every scrape must parse as exposition text, as Telegraf's prometheus input reads it.
  const metric = async (name: string) => {
    const res = await fetch(`http://127.0.0.1:${httpPort}/metrics`);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    return Number(sampleValue(parseExposition(await res.text()), `switchyard_registrar_${name}`));
  };
  const pod = endpoint;

  before(async () => {
    buildBundles();
    etcd = await startEtcdCluster({ members: 1, tls: true });
    // Present before the registrar starts: a member of an app it does not manage (its Service is
    // not labelled as routed), and a stale member of a pinned app (which must go: the registrar
    // owns its apps' members entirely).
    await etcd.client.put(UNMANAGED).value('{"address":"10.9.0.1","port":9000}');
    await etcd.client.put(`${PREFIX}web/green/stale`).value('{"address":"10.9.0.2"}');
    run = await startRegistrar(etcd, {
      apps: ["shop", "web"],
      resyncSeconds: 1,
      beforeStart: (k) => {
        k.apply(slice("shop", "blue", [pod("shop-blue-a", "10.0.1.1"), pod("shop-blue-b", "10.0.1.2")]));
        k.apply(unlabelled(slice("billing", "blue", [pod("billing-9", "10.0.9.9")])));
      },
    });
    kube = run.kube;
    httpPort = run.httpPort;
  });

  after(async () => {
    await run?.stop();
    await etcd?.stop();
  });

  test("serving endpoints become members; stale members of managed apps go; others stay", async () => {
    await until("shop's members", async () => {
      const m = await members();
      return m["shop/blue/shop-blue-a"] && m["shop/blue/shop-blue-b"] && !m["web/green/stale"]
        ? m
        : undefined;
    });
    assert.deepEqual(await members(), {
      "billing/blue/billing-1": '{"address":"10.9.0.1","port":9000}',
      "shop/blue/shop-blue-a": '{"address":"10.0.1.1","port":8080}',
      "shop/blue/shop-blue-b": '{"address":"10.0.1.2","port":8080}',
    });
    const health = await fetch(`http://127.0.0.1:${httpPort}/healthz`);
    assert.equal(health.status, 200);
  });

  test("a new colour's pods appear from the watch; a terminating pod's member is removed", async () => {
    kube.apply(slice("shop", "green", [pod("shop-green-a", "10.0.2.1")]));
    await until("the green member", async () => (await members())["shop/green/shop-green-a"]);
    kube.apply(
      slice("shop", "blue", [
        pod("shop-blue-a", "10.0.1.1"),
        pod("shop-blue-b", "10.0.1.2", { ready: false, serving: true, terminating: true }),
      ]),
    );
    await until("the terminating member to go", async () =>
      (await members())["shop/blue/shop-blue-b"] === undefined ? true : undefined,
    );
    assert.equal((await members())["shop/blue/shop-blue-a"], '{"address":"10.0.1.1","port":8080}');
  });

  test("an app in no list (an app team's stack) gets members once its labelled slices appear", async () => {
    kube.apply(slice("catalog", "blue", [pod("catalog-blue-a", "10.0.3.1")], 9090));
    await until("the discovered app's member", async () => (await members())["catalog/blue/catalog-blue-a"]);
    assert.equal((await members())["catalog/blue/catalog-blue-a"], '{"address":"10.0.3.1","port":9090}');
    // Unlabelled slices stay ignored, even of an app that now has members elsewhere.
    kube.apply({ ...unlabelled(slice("billing", "green", [pod("billing-g", "10.0.9.8")])) });
    // Once discovered, the app is managed: when its Service goes, so do its members.
    kube.remove("catalog-blue-x1");
    await until("the discovered app's member to go", async () =>
      (await members())["catalog/blue/catalog-blue-a"] === undefined ? true : undefined,
    );
    const m = await members();
    assert.equal(m["billing/blue/billing-1"], '{"address":"10.9.0.1","port":9000}');
    assert.equal(m["billing/green/billing-g"], undefined);
    const status = (await (await fetch(`http://127.0.0.1:${httpPort}/status`)).json()) as { apps: string[] };
    assert.deepEqual(status.apps, ["catalog", "shop", "web"]);
  });

  test("a watch ended with 410 Gone is followed by a re-list that converges", async () => {
    const lists = kube.requests.filter((r) => r === "list").length;
    kube.expireWatches();
    // Applied while no watch is open: only the re-list can deliver it.
    kube.apply(slice("shop", "green", [pod("shop-green-a", "10.0.2.1"), pod("shop-green-b", "10.0.2.2")]));
    await until("the member seen by the re-list", async () => (await members())["shop/green/shop-green-b"]);
    assert.ok(kube.requests.filter((r) => r === "list").length > lists);
  });

  test("while the Kubernetes API is down, members are kept (and repaired from the last view)", async () => {
    const before = await members();
    kube.down();
    await until("the registrar to notice", async () =>
      (await metric("kubernetes_connected")) === 0 ? true : undefined,
    );
    // Someone deletes a member meanwhile: the periodic resync restores it from the last view.
    await etcd.client.delete().key(`${PREFIX}shop/blue/shop-blue-a`);
    await until("the member to be restored", async () => (await members())["shop/blue/shop-blue-a"]);
    await sleep(2500); // more than two resyncs with the API still down
    assert.deepEqual(await members(), before);
    kube.remove("shop-green-x1");
    kube.up();
    await until("the change made during the outage", async () =>
      (await members())["shop/green/shop-green-a"] === undefined ? true : undefined,
    );
    assert.deepEqual(await members(), {
      "billing/blue/billing-1": '{"address":"10.9.0.1","port":9000}',
      "shop/blue/shop-blue-a": '{"address":"10.0.1.1","port":8080}',
    });
  });

  test("while etcd is down, reconciles fail and are retried until the change is written", async () => {
    const errors = await metric("reconcile_errors_total");
    await etcd.members[0].kill();
    kube.apply(slice("shop", "green", [pod("shop-green-c", "10.0.2.3")]));
    await until("failed reconciles", async () =>
      (await metric("reconcile_errors_total")) > errors ? true : undefined,
    );
    await etcd.members[0].restart();
    await until(
      "the member written after etcd is back",
      async () => (await members())["shop/green/shop-green-c"],
    );
    assert.equal((await fetch(`http://127.0.0.1:${httpPort}/healthz`)).status, 200);
  });
});
