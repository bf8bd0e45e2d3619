import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { stringify, parse } from "yaml";
import { readFileSync } from "node:fs";
import { classify } from "../../scripts/lib/diff/classify";
import rules from "../../scripts/lib/diff/replacementRules.json";
import { ROOT, planStack, planVariant, runPlan } from "../helpers/plan";
import { planned } from "../helpers/planned";

const short = (urn: string) => urn.split("::").slice(-2).join(" ").split("$").pop()!;

describe("diff classification, hand-made resources", () => {
  const instance = (inputs: Record<string, unknown>) =>
    planned("aws:ec2/instance:Instance", "db-0", {
      ami: "ami-1",
      instanceType: "m7i.large",
      subnetId: "s-a",
      ...inputs,
    });
  const attachment = planned("aws:ec2/volumeAttachment:VolumeAttachment", "db-0-data", {
    deviceName: "/dev/sdf",
    instanceId: "db-0-id",
    volumeId: "db-0-data-id",
  });
  const volume = (inputs: Record<string, unknown>) =>
    planned(
      "aws:ebs/volume:Volume",
      "db-0-data",
      { availabilityZone: "eu-west-1a", type: "gp3", size: 100, encrypted: true, ...inputs },
      { options: { protect: true, retainOnDelete: true } },
    );

  test("a key the provider forces a new resource on replaces it, and the replacement reaches what holds its id", () => {
    const d = classify(
      [instance({}), attachment, volume({})],
      [instance({ ami: "ami-2" }), attachment, volume({})],
    );
    assert.deepEqual(d.replace.map(short), [
      "aws:ec2/instance:Instance db-0",
      "aws:ec2/volumeAttachment:VolumeAttachment db-0-data",
    ]);
    assert.deepEqual(
      d.replaceKeys.map((r) => r.keys),
      [["ami"], ["instanceId"]],
    );
    assert.deepEqual(d.blocked, [], "the protected volume is not touched");
  });

  test("an in-place key is an update with its keys; ignoreChanges keys are reported as ignored", () => {
    const a = { ...instance({}), options: { ...instance({}).options, ignoreChanges: ["instanceType"] } };
    const b = { ...instance({ instanceType: "m7i.xlarge", monitoring: true }), options: a.options };
    const d = classify([a], [b]);
    assert.deepEqual(d.update, [{ urn: b.urn, keys: ["monitoring"] }]);
    assert.deepEqual(d.ignored, [{ urn: b.urn, keys: ["instanceType"] }]);
    assert.deepEqual(d.replace, []);
  });

  test("a data volume's type changes in place (ModifyVolume); its AZ forces a replace, blocked as protected", () => {
    const typeChange = classify([volume({})], [volume({ type: "io2", iops: 6000 })]);
    assert.deepEqual(
      typeChange.update.map((u) => u.keys),
      [["iops", "type"]],
    );
    assert.deepEqual(typeChange.blocked, []);
    const azChange = classify([volume({})], [volume({ availabilityZone: "eu-west-1b" })]);
    assert.deepEqual(azChange.replace.map(short), ["aws:ebs/volume:Volume db-0-data"]);
    assert.deepEqual(azChange.blocked, azChange.replace);
    assert.match(azChange.blockedDetail[0].reason, /protected; replaced because availabilityZone changed/);
  });

  test("--replace of an instance (how a member is rolled) replaces it and its attachment, not the volume", () => {
    const d = classify(
      [instance({}), attachment, volume({})],
      [instance({}), attachment, volume({})],
      [],
      ["db-0"],
    );
    assert.deepEqual(
      d.replaceKeys.map((r) => [short(r.urn), r.keys]),
      [
        ["aws:ec2/instance:Instance db-0", ["--replace"]],
        ["aws:ec2/volumeAttachment:VolumeAttachment db-0-data", ["instanceId"]],
      ],
    );
    assert.deepEqual(d.blocked, []);
  });

  test("the stack can allow a named replace or delete; a delete of a stateful resource is blocked otherwise", () => {
    const next = [volume({ availabilityZone: "eu-west-1b" })];
    assert.deepEqual(classify([volume({})], next, ["db-0-data"]).blocked, []);
    const gone = classify([volume({})], []);
    assert.deepEqual(gone.delete, gone.blocked);
    assert.equal(gone.blockedDetail[0].action, "delete");
    assert.deepEqual(classify([volume({})], [], [volume({}).urn]).blocked, []);
  });

  test("Kubernetes immutable fields follow pulumi-kubernetes: a Deployment selector or a Service clusterIP replaces", () => {
    const deployment = (selector: Record<string, string>, replicas: number) =>
      planned("kubernetes:apps/v1:Deployment", "web", {
        spec: { selector: { matchLabels: selector }, replicas },
      });
    assert.deepEqual(classify([deployment({ app: "web" }, 2)], [deployment({ app: "web" }, 3)]).replace, []);
    const d = classify([deployment({ app: "web" }, 2)], [deployment({ app: "www" }, 2)]);
    assert.deepEqual(
      d.replaceKeys.map((r) => r.keys),
      [["spec.selector"]],
    );
    const svc = (ip: string) => planned("kubernetes:core/v1:Service", "web", { spec: { clusterIP: ip } });
    assert.equal(classify([svc("10.0.0.10")], [svc("10.0.0.11")]).replace.length, 1);
  });

  test("every rule list names the upstream file it was read from", () => {
    for (const group of [rules.aws, rules.dynamic] as Record<
      string,
      { source: string; forceNew: string[] }
    >[])
      for (const [type, rule] of Object.entries(group)) {
        assert.match(rule.source, /\S+\.(go|ts)\b/, `${type} has no source`);
        assert.ok(rule.forceNew.length > 0, type);
      }
    assert.match(rules.kubernetes.source, /pulumi\/pulumi-kubernetes provider\/pkg\/provider\/diff\.go/);
  });
});

describe("diff classification of hand-made stack changes (prod under mocks)", () => {
  const base = planStack("prod");
  const diffOf = (edit: Parameters<typeof planVariant>[1]) => {
    const run = planVariant("prod", edit);
    assert.ok(run.plan, run.stderr || run.stdout);
    return classify(base.resources, run.plan.resources);
  };

  test("add an AZ: creates for the new AZ, lists grow in place, the node group is replaced (subnetIds), nothing protected", () => {
    const d = diffOf((c) => (c["switchyard:network"].azCount = 4));
    // Every new resource is the new AZ's (the runners' routes are named by AZ, then range).
    assert.ok(d.create.length > 0 && d.create.every((u) => /-eu-west-1d($|-)/.test(u)), d.create.join("\n"));
    assert.ok(d.create.some((u) => u.includes("aws:ec2/subnet:Subnet::switchyard-private-eu-west-1d")));
    const updated = new Map(d.update.map((u) => [short(u.urn), u.keys]));
    assert.deepEqual(updated.get("aws:eks/cluster:Cluster switchyard"), ["vpcConfig"]);
    assert.deepEqual(updated.get("aws:lb/loadBalancer:LoadBalancer edge"), ["subnets"]);
    assert.deepEqual(
      d.replaceKeys.map((r) => [short(r.urn), r.keys]),
      [["aws:eks/nodeGroup:NodeGroup switchyard-general", ["subnetIds"]]],
    );
    assert.deepEqual(d.delete, []);
    assert.deepEqual(d.blocked, []);
  });

  test("add an app: creates its resources and its hosts' records; the registrar's app list updates, Grafana's alert rules are a new ConfigMap", () => {
    // A preview host the edge certificate already covers (*.example.com), so the certificate stays.
    const d = diffOf(
      (c) =>
        (c["switchyard:apps"].cart = {
          ...c["switchyard:apps"].shop,
          host: "cart.example.com",
          previewHost: "cart-preview.example.com",
        }),
    );
    assert.ok(d.create.length >= 5);
    assert.ok(
      // The app's own resources, and an alias record at the edge for each of its hosts.
      d.create.every((u) => /::cart(-blue|-green)?$|::edge-host-cart(-preview)?\.example\.com$/.test(u)),
      d.create.join("\n"),
    );
    assert.deepEqual(
      d.update.map((u) => [short(u.urn), u.keys]),
      [["kubernetes:apps/v1:Deployment switchyard-registrar", ["spec"]]],
    );
    // ConfigMap data is immutable under pulumi-kubernetes' defaults: new rules mean a new ConfigMap.
    assert.ok(
      d.replace.every((u) => u.includes("kubernetes:core/v1:ConfigMap::")),
      d.replace.join("\n"),
    );
    assert.deepEqual([...d.delete, ...d.blocked], []);
  });

  test("etcd instance type: no change to any volume; the members' instances carry it as ignored until rolled", () => {
    const d = diffOf((c) => (c["switchyard:etcd"].instanceType = "m7i.xlarge"));
    assert.deepEqual([...d.replace, ...d.delete, ...d.create], []);
    assert.ok(!d.update.some((u) => u.urn.includes("aws:ebs/volume:Volume")));
    assert.deepEqual(
      d.ignored.map((u) => [short(u.urn), u.keys]),
      ["etcd-0", "etcd-1", "etcd-2"].map((n) => [`aws:ec2/instance:Instance ${n}`, ["instanceType"]]),
    );
  });

  test("moving a member to another AZ replaces its data volume: a blocked replace of a protected resource", () => {
    const d = diffOf(
      (c) => (c["switchyard:network"].availabilityZones = ["eu-west-1a", "eu-west-1b", "eu-west-1d"]),
    );
    const volumes = d.blocked.filter((u) => u.includes("aws:ebs/volume:Volume"));
    assert.ok(volumes.length >= 1, d.blocked.join("\n"));
    for (const urn of volumes) assert.ok(d.replace.includes(urn));
    const detail = d.blockedDetail.find((b) => b.urn === volumes[0])!;
    assert.match(detail.reason, /availabilityZone/);
  });

  test("rename an app: delete + create of its resources", () => {
    const d = diffOf((c) => {
      c["switchyard:apps"].store = c["switchyard:apps"].shop;
      delete c["switchyard:apps"].shop;
    });
    const named = (list: string[], app: string) =>
      list.filter((u) => new RegExp(`::${app}(-blue|-green)?$`).test(u));
    assert.ok(named(d.delete, "shop").length >= 5);
    assert.equal(named(d.create, "store").length, named(d.delete, "shop").length);
    assert.deepEqual(d.blocked, []);
  });
});

describe("plan --diff on the command line", () => {
  const saved = join(mkdtempSync(join(tmpdir(), "switchyard-base-")), "prod.json");
  writeFileSync(saved, JSON.stringify(planStack("prod")));

  test("against a saved plan of the same tree: no change, exit 0", () => {
    const run = runPlan(["--stack", "prod", "--diff", saved]);
    assert.equal(run.status, 0, run.stderr);
    const doc = JSON.parse(run.stdout);
    for (const key of ["create", "update", "replace", "delete", "blocked"])
      assert.deepEqual(doc.diff[key], [], key);
    assert.equal(doc.cost.delta.monthlyUsd, 0);
    assert.ok(doc.cost.byComponent.etcd > 0);
  });

  test("a blocked replace exits 3 and names the volume; allowDestroy in the stack file lets it through", () => {
    const stackWith = (allow: string[] | undefined) => {
      const doc = parse(readFileSync(join(ROOT, "Pulumi.prod.yaml"), "utf8"));
      doc.config["switchyard:network"].availabilityZones = ["eu-west-1a", "eu-west-1b", "eu-west-1d"];
      if (allow) doc.config["switchyard:review"] = { allowDestroy: allow };
      const file = join(mkdtempSync(join(tmpdir(), "switchyard-stack-")), "Pulumi.prod.yaml");
      writeFileSync(file, stringify(doc));
      return file;
    };
    const blocked = runPlan(["--stack", "prod", "--stack-file", stackWith(undefined), "--diff", saved]);
    assert.equal(blocked.status, 3, blocked.stderr);
    const doc = JSON.parse(blocked.stdout);
    const volumes = (doc.diff.blocked as string[]).filter((u) => u.includes("aws:ebs/volume:Volume"));
    assert.ok(volumes.length > 0);
    const names = (doc.diff.blocked as string[]).map((u) => u.split("::").pop()!);
    const allowed = runPlan(["--stack", "prod", "--stack-file", stackWith(names), "--diff", saved]);
    assert.equal(allowed.status, 0, allowed.stderr);
    assert.deepEqual(JSON.parse(allowed.stdout).diff.blocked, []);
  });

  test("a base that is neither a git ref nor a saved plan is one line of error", () => {
    const run = spawnSync(
      process.execPath,
      ["--import", "tsx", join(ROOT, "scripts/plan.ts"), "--diff", "no-such-ref-xyz"],
      {
        cwd: ROOT,
        encoding: "utf8",
      },
    );
    assert.equal(run.status, 1);
    assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
    assert.match(run.stderr, /--diff no-such-ref-xyz: expected a git ref/);
  });
});

describe("plan --diff against a git ref", () => {
  // A repository holding this tree's tracked files as one commit, as a clone of the change would.
  const repo = mkdtempSync(join(tmpdir(), "switchyard-repo-"));
  after(() => {
    rmSync(repo, { recursive: true, force: true });
    rmSync(`${repo}-base.json`, { force: true });
  });
  const files = spawnSync("git", ["-C", ROOT, "ls-files", "-z"], { encoding: "utf8" }).stdout;
  const archive = spawnSync("tar", ["-c", "--null", "-T", "-", "-f", "-"], {
    cwd: ROOT,
    input: files,
    maxBuffer: 1 << 30,
  });
  spawnSync("tar", ["-x", "-C", repo], { input: archive.stdout });
  const git = (...args: string[]) =>
    spawnSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.test", ...args], { cwd: repo });
  git("init", "-q");
  git("add", "-A");
  git("commit", "-q", "-m", "base");
  // Linked after the commit: the symlink is not a directory, so .gitignore's node_modules/ misses it.
  symlinkSync(join(ROOT, "node_modules"), join(repo, "node_modules"), "dir");
  const plan = (...args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", join(repo, "scripts/plan.ts"), "--json", ...args], {
      cwd: repo,
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
      timeout: 300_000,
    });

  test("HEAD~0 of an unchanged tree: no change, exit 0 (the base accepts the example placeholders too)", () => {
    const run = plan("--stack", "prod", "--diff", "HEAD~0");
    assert.equal(run.status, 0, run.stderr);
    const doc = JSON.parse(run.stdout);
    for (const key of ["create", "update", "replace", "delete", "blocked"])
      assert.deepEqual(doc.diff[key], [], key);
    assert.match(doc.diff.base, /^HEAD~0 \([0-9a-f]{12}\)$/);
  });

  test("an app added since the ref: the same diff as against a saved plan of the ref's tree", () => {
    const before = plan("--stack", "prod");
    assert.equal(before.status, 0, before.stderr);
    const saved = `${repo}-base.json`;
    writeFileSync(saved, before.stdout);
    const file = join(repo, "Pulumi.prod.yaml");
    const doc = parse(readFileSync(file, "utf8"));
    const apps = doc.config["switchyard:apps"];
    apps.store = { ...apps.shop, host: "store.example.com", previewHost: "store-preview.example.com" };
    writeFileSync(file, stringify(doc));
    const [byRef, bySaved] = [
      plan("--stack", "prod", "--diff", "HEAD"),
      plan("--stack", "prod", "--diff", saved),
    ];
    assert.equal(byRef.status, 0, byRef.stderr);
    assert.equal(bySaved.status, 0, bySaved.stderr);
    const { base: _ref, ...d } = JSON.parse(byRef.stdout).diff;
    const { base: _saved, ...expected } = JSON.parse(bySaved.stdout).diff;
    assert.deepEqual(d, expected);
    assert.ok(
      d.create.some((u: string) => u.endsWith("::store-blue")),
      JSON.stringify(d.create),
    );
    assert.deepEqual([d.delete, d.blocked], [[], []]);
  });
});
