import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  desiredMembers,
  discoveredApps,
  isMemberEndpoint,
  labelSelector,
  memberId,
  memberWrites,
  platformLabelSelector,
} from "../../../hosts/registrar/members";
import { loadConfig } from "../../../hosts/registrar/config";
import { registrarEnvName } from "../../../model/registrar";
import { parseKey, parseMember } from "../../../model/etcd/schema";
import { isDnsLabel } from "../../../model/validators";
import { colourObjectName, platformServiceLabels, serviceLabels } from "../../../model/labels";
import { endpoint, platformSlice, slice } from "./support/index";

const APPS = new Set(["shop"]);
const KEY = "/switchyard/v1/members/shop/blue";

describe("registrar: EndpointSlices to member records", () => {
  test("the selector names the labels components/apps puts on each colour's Service, not a list of apps", () => {
    assert.deepEqual(serviceLabels("shop", "blue"), {
      app: "shop",
      colour: "blue",
      "switchyard.io/routed": "true",
    });
    assert.equal(colourObjectName("shop", "blue"), "shop-blue");
    assert.equal(labelSelector(), "switchyard.io/routed=true,app,colour in (blue,green)");
  });

  test("apps are discovered from labelled slices of their own Service; unlabelled or foreign ones are not", () => {
    const unlabelled = slice("quiet", "blue", [endpoint("q", "10.0.0.1")]);
    delete unlabelled.metadata.labels!["switchyard.io/routed"];
    const notTrue = slice("maybe", "blue", [endpoint("m", "10.0.0.2")]);
    notTrue.metadata.labels!["switchyard.io/routed"] = "false";
    const foreign = slice("sneaky", "green", [endpoint("s", "10.0.0.3")]);
    foreign.metadata.labels!["kubernetes.io/service-name"] = "sneaky-metrics";
    const badApp = slice("Bad_App", "blue", []);
    assert.deepEqual(
      [
        ...discoveredApps([
          slice("catalog", "blue", []),
          slice("shop", "green", []),
          unlabelled,
          notTrue,
          foreign,
          badApp,
        ]),
      ],
      ["catalog", "shop"],
    );
    // An unlabelled slice yields no members even for a managed app, and is not even counted as skipped.
    const { members, skipped } = desiredMembers([unlabelled], new Set(["quiet"]), "http");
    assert.equal(members.size, 0);
    assert.deepEqual(skipped, []);
  });

  test("serving pods become members at pod IP and the container port", () => {
    const { members, skipped } = desiredMembers(
      [
        slice("shop", "blue", [
          endpoint("shop-blue-abc12", "10.0.1.5"),
          endpoint("shop-blue-def34", "10.0.2.6"),
        ]),
      ],
      APPS,
      "http",
    );
    assert.deepEqual(skipped, []);
    assert.deepEqual(Object.fromEntries(members), {
      [`${KEY}/shop-blue-abc12`]: '{"address":"10.0.1.5","port":8080}',
      [`${KEY}/shop-blue-def34`]: '{"address":"10.0.2.6","port":8080}',
    });
    for (const [key, value] of members) {
      assert.ok(parseKey(key).ok);
      assert.ok(parseMember(value).ok);
    }
  });

  test("terminating, not-serving or unready endpoints are not members", () => {
    assert.equal(isMemberEndpoint(endpoint("a", "10.0.0.1", { terminating: true, serving: true })), false);
    assert.equal(isMemberEndpoint(endpoint("a", "10.0.0.1", { serving: false, ready: false })), false);
    assert.equal(isMemberEndpoint(endpoint("a", "10.0.0.1", { ready: false })), false);
    assert.equal(isMemberEndpoint(endpoint("a", "10.0.0.1", { ready: true })), true);
    assert.equal(isMemberEndpoint(endpoint("a", "10.0.0.1", {})), true);
    const { members } = desiredMembers(
      [
        slice("shop", "blue", [
          endpoint("keep", "10.0.0.1", { ready: true, serving: true, terminating: false }),
          endpoint("leaving", "10.0.0.2", { ready: false, serving: true, terminating: true }),
          endpoint("unready", "10.0.0.3", { ready: false, serving: false, terminating: false }),
        ]),
      ],
      APPS,
      "http",
    );
    assert.deepEqual([...members.keys()], [`${KEY}/keep`]);
  });

  test("slices of unmanaged apps, without a colour, of another Service, IPv6 or without the port are ignored", () => {
    const ipv6 = { ...slice("shop", "green", [endpoint("p", "10.0.0.9")]), addressType: "IPv6" };
    const noPort = {
      ...slice("shop", "green", [endpoint("q", "10.0.0.8")]),
      ports: [{ name: "metrics", port: 9100 }],
    };
    const noColour = slice("shop", "blue", [endpoint("r", "10.0.0.7")]);
    delete noColour.metadata.labels!.colour;
    const otherService = slice("shop", "blue", [endpoint("s", "10.0.0.6")]);
    otherService.metadata.labels!["kubernetes.io/service-name"] = "shop-metrics";
    const { members, skipped } = desiredMembers(
      [slice("other", "blue", [endpoint("o", "10.0.0.1")]), ipv6, noPort, noColour, otherService],
      APPS,
      "http",
    );
    assert.equal(members.size, 0);
    assert.deepEqual(
      skipped.map((s) => s.reason),
      ["addressType IPv6: members are IPv4", 'no port named "http"', "Service shop-metrics is not shop-blue"],
    );
  });

  test("member ids are DNS-1123 labels: pod name, hashed when too long, address without a pod", () => {
    assert.equal(memberId(endpoint("shop-blue-7d9f8c-x2k4q", "10.0.0.1")), "shop-blue-7d9f8c-x2k4q");
    const long = `${"a".repeat(70)}.b`;
    const id = memberId(endpoint(long, "10.0.0.1"));
    assert.ok(isDnsLabel(id), id);
    assert.notEqual(id, memberId(endpoint(`${"a".repeat(70)}.c`, "10.0.0.1")));
    assert.equal(memberId({ addresses: ["10.0.3.4"] }), "ip-10-0-3-4");
    assert.ok(isDnsLabel(memberId(endpoint("Web.Pod_1", "10.0.0.1"))));
  });
});

describe("registrar: desired vs actual into etcd writes", () => {
  const desired = new Map([
    [`${KEY}/a`, '{"address":"10.0.0.1","port":8080}'],
    [`${KEY}/b`, '{"address":"10.0.0.2","port":8080}'],
  ]);

  test("puts only what differs, deletes only stale members of managed apps", () => {
    const writes = memberWrites(
      desired,
      {
        [`${KEY}/a`]: '{"address":"10.0.0.1","port":8080}',
        [`${KEY}/b`]: '{"address":"10.0.0.99","port":8080}',
        [`${KEY}/gone`]: '{"address":"10.0.0.3","port":8080}',
        "/switchyard/v1/members/shop/green/old": '{"address":"10.0.0.4"}',
        "/switchyard/v1/members/billing/blue/x": '{"address":"10.0.9.9"}',
        "/switchyard/v1/members/shop/blue/BAD_KEY": "{}",
      },
      APPS,
    );
    assert.deepEqual(writes.puts, [{ key: `${KEY}/b`, value: '{"address":"10.0.0.2","port":8080}' }]);
    assert.deepEqual(writes.deletes, [`${KEY}/gone`, "/switchyard/v1/members/shop/green/old"]);
  });

  test("an app with no serving pods loses its members; a converged state writes nothing", () => {
    assert.deepEqual(memberWrites(new Map(), { [`${KEY}/a`]: "{}" }, APPS).deletes, [`${KEY}/a`]);
    assert.deepEqual(memberWrites(desired, Object.fromEntries(desired), APPS), { puts: [], deletes: [] });
  });
});

describe("registrar: configuration", () => {
  test("flags and SWITCHYARD_REGISTRAR_* env; flags win; invalid values are refused", () => {
    const r = loadConfig(["--apps", "shop,web"], {
      [registrarEnvName("apps")]: "ignored",
      [registrarEnvName("namespace")]: "apps",
      [registrarEnvName("etcd-endpoints")]: "https://10.0.0.1:2379,https://10.0.0.2:2379",
      [registrarEnvName("http-port")]: "9999",
    });
    assert.equal(r.kind, "config");
    if (r.kind !== "config") return;
    assert.deepEqual(r.config.apps, ["shop", "web"]);
    assert.deepEqual(r.config.etcdEndpoints, ["https://10.0.0.1:2379", "https://10.0.0.2:2379"]);
    assert.equal(r.config.httpPort, 9999);
    assert.equal(r.config.kubeTokenFile, "/var/run/secrets/kubernetes.io/serviceaccount/token");
    const bad = loadConfig(["--apps", "Shop"], { [registrarEnvName("namespace")]: "apps" });
    assert.equal(bad.kind, "error");
    assert.equal(loadConfig(["--help"], {}).kind, "help");
  });
});

describe("registrar: single-colour platform services", () => {
  const grafana = (service = "grafana", namespace = "monitoring", app = "grafana") =>
    platformSlice(namespace, service, app, [endpoint("grafana-0", "10.0.5.5")], 3000);

  test("a labelled platform Service registers its pods as the route app's blue members", () => {
    assert.equal(platformLabelSelector(), "switchyard.io/routed=true,switchyard.io/route-app");
    assert.deepEqual(platformServiceLabels("grafana"), {
      "switchyard.io/routed": "true",
      "switchyard.io/route-app": "grafana",
    });
    const slices = [grafana()];
    assert.deepEqual([...discoveredApps(slices)], ["grafana"]);
    const { members, skipped } = desiredMembers(slices, new Set(["grafana"]), "http");
    assert.deepEqual(skipped, []);
    assert.deepEqual(Object.fromEntries(members), {
      "/switchyard/v1/members/grafana/blue/grafana-0": '{"address":"10.0.5.5","port":3000}',
    });
  });

  test("one Service registers an app colour: the blue-green Service first, then by namespace/name", () => {
    const shopAsPlatform = platformSlice("monitoring", "shop", "shop", [endpoint("x-1", "10.0.7.7")], 9000);
    const app = slice("shop", "blue", [endpoint("shop-blue-a", "10.0.1.1")]);
    // Order of the slices does not matter: two replicas with the same view write the same records.
    for (const slices of [
      [shopAsPlatform, app],
      [app, shopAsPlatform],
    ]) {
      const { members, skipped } = desiredMembers(slices, APPS, "http");
      assert.deepEqual([...members.keys()], [`${KEY}/shop-blue-a`]);
      assert.deepEqual(skipped, [
        { slice: "monitoring/shop-x1", reason: "shop/blue is registered from Service apps/shop-blue" },
      ]);
    }
    const copies = desiredMembers([grafana("zz-copy"), grafana()], new Set(["grafana"]), "http");
    assert.deepEqual(
      copies.skipped.map((s) => s.slice),
      ["monitoring/zz-copy-x1"],
    );
    assert.equal(copies.members.size, 1);
  });

  test("a route app that is not a DNS-1123 label is skipped with the reason", () => {
    const { members, skipped } = desiredMembers(
      [grafana("grafana", "monitoring", "Grafana")],
      new Set(["Grafana"]),
      "http",
    );
    assert.equal(members.size, 0);
    assert.match(skipped[0].reason, /switchyard.io\/route-app "Grafana" is not a DNS-1123 label/);
  });

  test("--platform-namespaces (or its environment variable) lists DNS-1123 namespaces", () => {
    const env = {
      [registrarEnvName("namespace")]: "apps",
      [registrarEnvName("etcd-endpoints")]: "https://e:2379",
    };
    const ok = loadConfig([], { ...env, [registrarEnvName("platform-namespaces")]: "monitoring,logging" });
    assert.equal(ok.kind, "config");
    assert.deepEqual(ok.kind === "config" && ok.config.platformNamespaces, ["monitoring", "logging"]);
    const none = loadConfig([], env);
    assert.deepEqual(none.kind === "config" && none.config.platformNamespaces, []);
    const bad = loadConfig(["--platform-namespaces", "Monitoring"], env);
    assert.equal(bad.kind, "error");
    assert.match(bad.kind === "error" ? bad.message : "", /platformNamespaces/);
  });
});
