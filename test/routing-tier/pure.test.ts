/** The routing tier's decisions, as pure functions: placement, releases, sizing, gating, rendering. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { renderUnit } from "../../components/common/host/systemd";
import { ConfigError, parseConfig } from "../../components/config";
import { buildAgentBundle } from "../../components/edge/bundle";
import { fleetSizes } from "../../components/edge/sizing";
import { judgeTargetHealth, swapGateProvider, type SwapGateInputs } from "../../components/edge/swapGate";
import { planMembers } from "../../components/etcd/placement";
import {
  etcdSettings,
  renderEtcdEnvironment,
  type EtcdConfigInput,
} from "../../components/etcd/render/config";
import { awsArchitecture, instanceArch } from "../../components/common/architecture";
import { amiTypeFor } from "../../components/kubernetes/nodes/amiType";
import { etcdRelease } from "../../components/etcd/releases";
import { ROOT } from "../helpers/plan";
import { tempDir } from "./helpers/host";

const AZS = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];

describe("etcd member placement", () => {
  test("members are etcd-N, round-robin over the AZs, each fully qualified in the zone", () => {
    const five = planMembers(5, 5, AZS, "etcd.prod.switchyard.internal");
    assert.deepEqual(
      five.map((m) => [m.name, m.availabilityZone]),
      [
        ["etcd-0", "eu-west-1a"],
        ["etcd-1", "eu-west-1b"],
        ["etcd-2", "eu-west-1c"],
        ["etcd-3", "eu-west-1a"],
        ["etcd-4", "eu-west-1b"],
      ],
    );
    assert.equal(five[3].fqdn, "etcd-3.etcd.prod.switchyard.internal");
    assert.ok(five.every((m) => m.clusterState === "new" && m.initialCluster.length === 5));
  });

  test("growth keeps the founders as they were; each added member knows the ones before it", () => {
    const three = planMembers(3, 3, AZS, "z");
    const grown = planMembers(5, 3, AZS, "z");
    assert.deepEqual(grown.slice(0, 3), three);
    assert.deepEqual(
      grown.map((m) => m.clusterState),
      ["new", "new", "new", "existing", "existing"],
    );
    assert.deepEqual(grown[3].initialCluster, ["etcd-0", "etcd-1", "etcd-2", "etcd-3"]);
    assert.deepEqual(grown[4].initialCluster, ["etcd-0", "etcd-1", "etcd-2", "etcd-3", "etcd-4"]);
  });

  test("adding an AZ does not move existing members", () => {
    const before = planMembers(3, 3, AZS, "z");
    const after = planMembers(3, 3, [...AZS, "eu-west-1d"], "z");
    assert.deepEqual(after, before);
  });

  test("five members stay on the first three AZs however many AZs the network grows to", () => {
    const before = planMembers(5, 5, AZS, "z");
    for (const azs of [
      [...AZS, "eu-west-1d"],
      ["eu-west-1d", ...AZS, "eu-west-1e", "eu-west-1f"],
    ]) {
      assert.deepEqual(planMembers(5, 5, azs, "z"), before);
    }
    assert.deepEqual(
      before.map((m) => m.availabilityZone),
      ["eu-west-1a", "eu-west-1b", "eu-west-1c", "eu-west-1a", "eu-west-1b"],
    );
  });
});

describe("etcd releases and architectures", () => {
  test("Graviton families are arm64, everything else amd64", () => {
    for (const t of ["m7g.large", "c7gn.xlarge", "t4g.small", "r8gd.2xlarge", "a1.medium", "g5g.xlarge"])
      assert.equal(instanceArch(t), "arm64", t);
    for (const t of ["m7i.large", "t3.medium", "c7i.large", "g5.xlarge", "m7a.large"])
      assert.equal(instanceArch(t), "amd64", t);
  });

  test("one detector for every caller: node groups, AMIs and etcd downloads agree (a1 is arm64)", () => {
    assert.equal(amiTypeFor(["a1.large"]), "AL2023_ARM_64_STANDARD");
    assert.equal(amiTypeFor(["m7i.large"]), "AL2023_x86_64_STANDARD");
    assert.equal(awsArchitecture(instanceArch("a1.large")), "arm64");
    assert.equal(awsArchitecture(instanceArch("m7i.large")), "x86_64");
    assert.equal(etcdRelease("3.5.21", instanceArch("a1.large")).arch, "arm64");
  });

  test("a release resolves to its pinned URL and checksum; an unpinned one is refused", () => {
    const r = etcdRelease("3.5.21", "arm64");
    assert.equal(
      r.url,
      "https://github.com/etcd-io/etcd/releases/download/v3.5.21/etcd-v3.5.21-linux-arm64.tar.gz",
    );
    assert.match(r.sha256, /^[0-9a-f]{64}$/);
    assert.throws(() => etcdRelease("3.5.99", "amd64"), /no pinned checksum/);
  });

  test("config refuses an etcd version without a pinned checksum, and initialMembers above members", () => {
    const problems = (etcd: unknown) => {
      try {
        parseConfig({ "aws:region": "eu-west-1", "switchyard:etcd": JSON.stringify(etcd) });
        return [];
      } catch (e) {
        assert.ok(e instanceof ConfigError);
        return e.problems;
      }
    };
    assert.match(problems({ version: "3.5.99" })[0]?.message ?? "", /pinned checksum \(3\.5\.21\)/);
    assert.deepEqual(
      problems({ members: 3, initialMembers: 5 }).map((p) => p.path),
      ["switchyard:etcd.initialMembers"],
    );
    assert.deepEqual(problems({ members: 5, initialMembers: 3 }), []);
  });
});

describe("etcd settings", () => {
  const peer = (i: number) => ({ name: `etcd-${i}`, host: `etcd-${i}.z`, peerPort: 2380, clientPort: 2379 });
  const input: EtcdConfigInput = {
    self: peer(1),
    initialCluster: [peer(0), peer(1), peer(2)],
    clusterState: "new",
    clusterToken: "etcd-prod",
    listenAddress: "0.0.0.0",
    dataDir: "/var/lib/etcd/data",
    tls: { caFile: "/p/ca.crt", certFile: "/p/tls.crt", keyFile: "/p/tls.key" },
  };

  test("mTLS on both listeners, peers restricted to the member CN", () => {
    const s = new Map(etcdSettings(input));
    for (const k of ["client-cert-auth", "peer-client-cert-auth"]) assert.equal(s.get(k), "true", k);
    assert.equal(s.get("peer-cert-allowed-cn"), "etcd-member");
    assert.equal(s.get("listen-client-urls"), "https://0.0.0.0:2379");
    assert.equal(s.get("advertise-client-urls"), "https://etcd-1.z:2379");
    assert.match(
      renderEtcdEnvironment(input),
      /^ETCD_INITIAL_CLUSTER=etcd-0=https:\/\/etcd-0\.z:2380,etcd-1=https:\/\/etcd-1\.z:2380,etcd-2=https:\/\/etcd-2\.z:2380$/m,
    );
  });

  test("refuses a member missing from its own cluster and values that would need quoting", () => {
    assert.throws(
      () => etcdSettings({ ...input, initialCluster: [peer(0)] }),
      /not in its own initial cluster/,
    );
    assert.throws(
      () => renderEtcdEnvironment({ ...input, dataDir: "/var/lib/etcd data" }),
      /unsafe value for data-dir/,
    );
  });

  test("systemd units refuse values with line breaks", () => {
    assert.throws(
      () =>
        renderUnit({ name: "x.service", sections: [["Service", [["ExecStart", "/bin/true\nUser=root"]]]] }),
      /line break/,
    );
  });
});

describe("edge fleets and the swap gate", () => {
  const live = { minSize: 3, desiredCapacity: 3, maxSize: 9 };

  test("the live colour gets the live size; the other idles at idleFleetSize", () => {
    assert.deepEqual(fleetSizes({ liveFleet: "blue", live, idleFleetSize: 0 }), {
      blue: live,
      green: { minSize: 0, desiredCapacity: 0, maxSize: 9 },
    });
    const swapped = fleetSizes({ liveFleet: "green", live, idleFleetSize: 3 });
    assert.deepEqual(swapped.green, live);
    assert.deepEqual(swapped.blue, { minSize: 3, desiredCapacity: 3, maxSize: 9 });
  });

  test("the gate passes with enough healthy targets and names what it saw when it refuses", () => {
    assert.equal(judgeTargetHealth(["healthy", "healthy", "healthy"], 3).ok, true);
    const refused = judgeTargetHealth(["healthy", "initial", "unhealthy"], 3);
    assert.equal(refused.ok, false);
    assert.match(refused.reason, /1 healthy targets, need 3 \(1 healthy, 1 initial, 1 unhealthy\)/);
    assert.match(judgeTargetHealth([], 1).reason, /no targets registered/);
  });

  test("the gate only runs when the live target group changes; a new stack passes", async () => {
    const blue: SwapGateInputs = {
      colour: "blue",
      targetGroupArn: "arn:tg/blue",
      minHealthy: 3,
      timeoutSeconds: 60,
      region: "eu-west-1",
    };
    const green: SwapGateInputs = { ...blue, colour: "green", targetGroupArn: "arn:tg/green" };
    assert.equal((await swapGateProvider.diff!("id", blue, { ...blue }))?.changes, false);
    assert.equal((await swapGateProvider.diff!("id", blue, green))?.changes, true);
    assert.deepEqual((await swapGateProvider.create(blue)).outs, blue);
  });
});

describe("agent bundle", () => {
  test("is one self-contained file that runs under plain node, with a content-addressed key", () => {
    const bundle = buildAgentBundle(ROOT);
    assert.equal(bundle.key, `agent/switchyard-agent-${bundle.sha256.slice(0, 16)}.js`);
    const file = join(tempDir("bundle"), "switchyard-agent.js");
    writeFileSync(file, bundle.content);
    // Run from a directory with no node_modules: everything must be inside the bundle.
    const r = spawnSync(process.execPath, [file, "--help"], {
      cwd: tempDir("bundle-cwd"),
      encoding: "utf8",
      timeout: 30_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Usage: switchyard-agent/);
  });
});
