// docs/security.md kept honest: every file it cites exists, every data path names where it is
// configured and which test checks it (or says "none"), every policy it names is in the pack, and
// the claims it marks "(checked)" hold in the planned prod stack and the renderers that make them.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { haproxyPaths } from "../../model/haproxy";
import { renderConfig } from "../../model/haproxyConfig";
import { policies } from "../../policies/rules";
import type { PlannedResource } from "../../scripts/lib/evaluate";
import { ofType, planStack, ROOT } from "../helpers/plan";

const DOC = "docs/security.md";
const doc = readFileSync(join(ROOT, DOC), "utf8");

/** The text of the section whose heading starts with `## <n>.`. */
function section(n: number): string {
  const start = doc.indexOf(`\n## ${n}. `);
  assert.ok(start >= 0, `${DOC} has a section ${n}`);
  const end = doc.indexOf("\n## ", start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
}

/** Body rows of the first table in `text`, as trimmed cells. */
function tableRows(text: string): string[][] {
  const rows = text
    .split("\n")
    .filter((l) => l.startsWith("| "))
    .map((l) =>
      l
        .slice(2, -2)
        .split(" | ")
        .map((c) => c.trim()),
    );
  return rows.slice(2); // header and separator
}

const REPO_PATH =
  /^(?:(?:components|hosts|model|policies|deploy|docs|test|scripts|examples)\/[A-Za-z0-9_./-]+|README\.md|index\.ts|Pulumi\.[a-z]+\.yaml)$/;

/** Backticked repository paths in `text`. */
function citedPaths(text: string): string[] {
  return [...text.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]).filter((t) => REPO_PATH.test(t));
}

describe("docs/security.md cites what exists", () => {
  it("every repository path it cites exists", () => {
    const cited = [...new Set(citedPaths(doc))];
    assert.ok(cited.length > 40, `cites files (found ${cited.length})`);
    const missing = cited.filter((p) => !existsSync(join(ROOT, p)));
    assert.deepEqual(missing, [], "cited paths that do not exist");
  });

  it("every relative link resolves", () => {
    const links = [...doc.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]);
    assert.ok(links.length > 0);
    const broken = links.filter((l) => !/^https?:/.test(l) && !existsSync(join(ROOT, dirname(DOC), l)));
    assert.deepEqual(broken, []);
  });

  it("every data path in transit says where it is configured and which test checks it, or none", () => {
    const rows = tableRows(section(1));
    assert.ok(rows.length >= 20, `one row per data path (found ${rows.length})`);
    for (const row of rows) {
      assert.equal(row.length, 6, `${row[0]}: path, protocol, TLS, who verifies, configured in, test`);
      const [path, , , , configured, tested] = row;
      const sources = citedPaths(configured).filter((p) => !p.startsWith("test/"));
      assert.ok(sources.length > 0, `${path}: names the file that configures it`);
      const tests = citedPaths(tested).filter((p) => p.startsWith("test/"));
      assert.ok(
        tests.every((t) => t.endsWith(".test.ts")),
        `${path}: cites test files, not helpers (${tests.join(", ")})`,
      );
      assert.ok(tests.length > 0 || /^none\b/.test(tested), `${path}: a test file, or "none"`);
    }
  });

  it("every policy it names is in the pack", () => {
    const pack = new Set(policies.map((p) => p.name));
    const table = tableRows(section(5)).map(([id]) => id.replace(/^`|`$/g, ""));
    assert.ok(table.length > 0);
    const inProse = [...doc.matchAll(/`([a-z0-9]+(?:-[a-z0-9]+)+)` polic(?:y|ies)\b/g)].map((m) => m[1]);
    const unknown = [...table, ...inProse].filter((id) => !pack.has(id));
    assert.deepEqual(unknown, [], "policy ids not in policies/rules/index.ts");
  });

  it("is linked from README.md and docs/architecture.md", () => {
    assert.match(readFileSync(join(ROOT, "README.md"), "utf8"), /\]\(docs\/security\.md\)/);
    assert.match(readFileSync(join(ROOT, "docs/architecture.md"), "utf8"), /\]\(security\.md\)/);
  });
});

describe("docs/security.md: its (checked) claims hold in the prod plan", () => {
  const prod = planStack("prod");
  const inputs = (r: PlannedResource) => r.inputs as Record<string, unknown>;

  it("TLS ends at the edge NLB: its only TLS listener is 443 of the one internet-facing load balancer", () => {
    const lbs = ofType(prod, "aws:lb/loadBalancer:LoadBalancer");
    const public_ = lbs.filter((lb) => inputs(lb).internal === false);
    assert.equal(public_.length, 1, "one internet-facing load balancer");
    const listeners = ofType(prod, "aws:lb/listener:Listener");
    const tls = listeners.filter((l) => ["TLS", "HTTPS"].includes(String(inputs(l).protocol)));
    assert.deepEqual(
      tls.map((l) => inputs(l).port),
      [443],
    );
    // Every target group, the edge's included, is plain TCP: nothing behind an NLB is re-encrypted by it.
    const groups = ofType(prod, "aws:lb/targetGroup:TargetGroup");
    assert.ok(groups.length > 0);
    assert.deepEqual([...new Set(groups.map((g) => inputs(g).protocol))], ["TCP"]);
  });

  it("HAProxy reaches pods without TLS: no server line asks for ssl", () => {
    const cfg = renderConfig(
      {
        mode: "routes",
        backends: [
          {
            name: "shop-blue",
            port: 8080,
            healthCheck: { path: "/healthz", intervalMs: 2000, rise: 2, fall: 3 },
            slots: 2,
          },
        ],
        slots: new Map([["shop-blue", [{ address: "10.20.1.5", port: 8080 }, undefined]]]),
      },
      {
        paths: haproxyPaths("/tmp/switchyard-doc"),
        bindAddress: "*",
        bindPort: 80,
        maxconn: 1000,
        healthzPath: "/healthz",
      },
    );
    const servers = cfg.split("\n").filter((l) => /^\s+server /.test(l));
    assert.equal(servers.length, 2);
    for (const s of servers) assert.doesNotMatch(s, /\b(ssl|verify|ca-file|crt)\b/, s);
    assert.doesNotMatch(cfg, /\bssl\b/);
  });

  it("Grafana and Graylog serve plain HTTP to HAProxy", () => {
    const ini = ofType(prod, "kubernetes:core/v1:ConfigMap").find((c) =>
      Object.keys((inputs(c).data as Record<string, string>) ?? {}).includes("grafana.ini"),
    );
    assert.ok(ini, "grafana.ini is planned");
    const text = (inputs(ini).data as Record<string, string>)["grafana.ini"];
    const server = text.split(/\n(?=\[)/).find((s) => s.startsWith("[server]"));
    assert.ok(server, "grafana.ini has a [server] section");
    assert.match(server, /^http_port = \d+$/m);
    assert.doesNotMatch(server, /^(protocol|cert_file|cert_key)\s*=/m);

    const graylog = ofType(prod, "kubernetes:apps/v1:StatefulSet")
      .flatMap(
        (s) =>
          (
            inputs(s).spec as {
              template: { spec: { containers: { name: string; env?: { name: string }[] }[] } };
            }
          ).template.spec.containers,
      )
      .find((c) => c.name === "graylog");
    assert.ok(graylog, "the Graylog container is planned");
    const env = (graylog.env ?? []).map((e) => e.name);
    assert.ok(env.includes("GRAYLOG_HTTP_BIND_ADDRESS"));
    assert.deepEqual(
      env.filter((n) => n.startsWith("GRAYLOG_HTTP_") && /TLS|CERT|KEY/.test(n)),
      [],
    );
  });

  it("at rest: EBS with the AWS-managed key, Secrets Manager with its own, S3 with SSE-S3", () => {
    const volumes = ofType(prod, "aws:ebs/volume:Volume");
    assert.ok(volumes.length > 0);
    for (const v of volumes) {
      assert.equal(inputs(v).encrypted, true, v.name);
      assert.equal(inputs(v).kmsKeyId, undefined, `${v.name}: no customer key`);
    }
    const roots = [
      ...ofType(prod, "aws:ec2/instance:Instance").map(
        (i) => [i.name, inputs(i).rootBlockDevice as Record<string, unknown>] as const,
      ),
      ...ofType(prod, "aws:ec2/launchTemplate:LaunchTemplate").flatMap((t) =>
        ((inputs(t).blockDeviceMappings as { ebs: Record<string, unknown> }[]) ?? []).map(
          (m) => [t.name, m.ebs] as const,
        ),
      ),
    ];
    assert.ok(roots.length > 0);
    for (const [name, dev] of roots) {
      assert.ok([true, "true"].includes(dev.encrypted as never), `${name}: encrypted root`);
      assert.equal(dev.kmsKeyId, undefined, `${name}: no customer key`);
    }
    const secrets = ofType(prod, "aws:secretsmanager/secret:Secret");
    assert.ok(secrets.length > 0);
    assert.deepEqual(
      secrets.filter((s) => inputs(s).kmsKeyId !== undefined).map((s) => s.name),
      [],
    );
    const buckets = ofType(prod, "aws:s3/bucket:Bucket");
    const sse = ofType(
      prod,
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    );
    assert.equal(sse.length, buckets.length, "one encryption configuration per bucket");
    for (const c of sse) {
      const rules = inputs(c).rules as { applyServerSideEncryptionByDefault: { sseAlgorithm: string } }[];
      assert.deepEqual(
        rules.map((r) => r.applyServerSideEncryptionByDefault.sseAlgorithm),
        ["AES256"],
      );
    }
  });

  it("at rest in the cluster: every volume claim and Kafka volume names an encrypted StorageClass", () => {
    const encrypted = new Set(
      ofType(prod, "kubernetes:storage.k8s.io/v1:StorageClass")
        .filter((c) => (inputs(c).parameters as Record<string, string>)?.encrypted === "true")
        .map((c) => (inputs(c).metadata as { name: string }).name),
    );
    assert.ok(encrypted.size > 0, "an encrypted StorageClass is planned");
    type Claims = { spec: { volumeClaimTemplates?: { spec: { storageClassName?: string } }[] } };
    const claims = ofType(prod, "kubernetes:apps/v1:StatefulSet").flatMap((s) =>
      ((inputs(s) as Claims).spec.volumeClaimTemplates ?? []).map(
        (t) => [s.name, t.spec.storageClassName] as const,
      ),
    );
    type Pool = { spec: { storage: { volumes: { class?: string }[] } } };
    const kafka = ofType(prod, "kubernetes:kafka.strimzi.io/v1:KafkaNodePool").flatMap((p) =>
      (inputs(p) as Pool).spec.storage.volumes.map((v) => [p.name, v.class] as const),
    );
    assert.ok(claims.length > 0 && kafka.length > 0);
    for (const [owner, cls] of [...claims, ...kafka])
      assert.ok(cls !== undefined && encrypted.has(cls), `${owner}: class ${cls}`);
  });

  it("no Role or ClusterRole the stack declares grants access to Secrets", () => {
    const roles = [
      ...ofType(prod, "kubernetes:rbac.authorization.k8s.io/v1:Role"),
      ...ofType(prod, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole"),
    ];
    assert.ok(roles.length > 0);
    type Rule = { apiGroups?: string[]; resources?: string[] };
    const granting = roles.filter((r) =>
      ((inputs(r).rules as Rule[]) ?? []).some(
        (rule) =>
          (rule.apiGroups ?? []).some((g) => g === "" || g === "*") &&
          (rule.resources ?? []).some((res) => res === "secrets" || res === "*"),
      ),
    );
    assert.deepEqual(
      granting.map((r) => r.name),
      [],
    );
  });

  it("the NetworkPolicies it lists are exactly the stack's", () => {
    const listed = section(4).match(/The stack declares \w+: ((?:`[^`]+`(?:, | and )?)+)/);
    assert.ok(listed, "section 4 lists the declared NetworkPolicies");
    const names = [...listed[1].matchAll(/`([^`]+)`/g)].map((m) => m[1]).sort();
    const planned = ofType(prod, "kubernetes:networking.k8s.io/v1:NetworkPolicy")
      .map((p) => p.name)
      .sort();
    assert.deepEqual(names, planned);
  });
});
