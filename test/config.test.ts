import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { ConfigError, parseConfig } from "../components/config";
import { listConfigKeys } from "../components/config/keys";
import { ROOT } from "./helpers/plan";

const base = { "aws:region": "eu-west-1" };
const app = {
  host: "shop.example.com",
  live: "blue",
  blue: { image: "registry.example.com/shop:1.0.0" },
  green: { image: "registry.example.com/shop:1.1.0" },
  resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
};

function problems(raw: Record<string, unknown>): { path: string; message: string }[] {
  const encoded = Object.fromEntries(
    Object.entries({ ...base, ...raw }).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
  );
  try {
    parseConfig(encoded);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${e}`);
    return e.problems;
  }
  return [];
}

function assertProblem(raw: Record<string, unknown>, path: string, pattern: RegExp) {
  const found = problems(raw);
  assert.ok(
    found.some((p) => p.path === path && pattern.test(p.message)),
    `expected a problem at ${path} matching ${pattern}, got ${JSON.stringify(found)}`,
  );
}

describe("stack configuration", () => {
  test("an empty stack gets documented defaults", () => {
    const cfg = parseConfig(base);
    assert.equal(cfg.network.azCount, 3);
    assert.equal(cfg.network.natGateways, "perAz");
    assert.equal(cfg.etcd.members, 3);
    assert.deepEqual(cfg.availabilityZones, ["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
    assert.deepEqual(cfg.apps, {});
    // The private API endpoint is reachable from inside the VPC unless other ranges are named.
    assert.deepEqual(cfg.kubernetes.apiAccessCidrs, ["10.0.0.0/16"]);
  });

  test("apps need deploy-runner ranges for etcd: their Routes are written from where pulumi up runs", () => {
    assertProblem({ "switchyard:apps": { shop: app } }, "switchyard:etcd.deployRunnerCidrs", /pulumi up/);
    const cfg = parseConfig({
      ...base,
      "switchyard:apps": JSON.stringify({ shop: app }),
      "switchyard:etcd": JSON.stringify({ deployRunnerCidrs: ["10.100.0.0/24"] }),
      "switchyard:kubernetes": JSON.stringify({ apiAccessCidrs: ["10.100.0.0/24"] }),
    });
    assert.deepEqual(cfg.kubernetes.apiAccessCidrs, ["10.100.0.0/24"]);
  });

  test("etcd.members must be 3 or 5", () => {
    assertProblem({ "switchyard:etcd": { members: 4 } }, "switchyard:etcd.members", /3 or 5.*got 4/);
    assert.equal(parseConfig({ ...base, "switchyard:etcd": JSON.stringify({ members: 5 }) }).etcd.members, 5);
  });

  test("CIDRs must parse and be private", () => {
    assertProblem({ "switchyard:network": { cidr: "10.0.0.0/33" } }, "switchyard:network.cidr", /IPv4 CIDR/);
    assertProblem({ "switchyard:network": { cidr: "10.0.0.1/16" } }, "switchyard:network.cidr", /IPv4 CIDR/);
    assertProblem({ "switchyard:network": { cidr: "8.8.0.0/16" } }, "switchyard:network.cidr", /private/);
  });

  test("the VPC is a /16 to /18: /15 and /19 are refused, both bounds are accepted", () => {
    for (const prefix of [15, 19, 20]) {
      const cidr = prefix === 15 ? "10.0.0.0/15" : `10.0.0.0/${prefix}`;
      assertProblem(
        { "switchyard:network": { cidr } },
        "switchyard:network.cidr",
        new RegExp(`^expected a /16 to /18 VPC range, got /${prefix}$`),
      );
    }
    for (const cidr of ["10.0.0.0/16", "10.0.0.0/17", "10.0.0.0/18"]) {
      assert.deepEqual(problems({ "switchyard:network": { cidr } }), [], cidr);
      assert.equal(
        parseConfig({ ...base, "switchyard:network": JSON.stringify({ cidr }) }).network.cidr,
        cidr,
      );
    }
  });

  test("explicit AZ names must belong to the configured region, be distinct and match azCount", () => {
    const network = (availabilityZones: string[], azCount = 3) => ({
      "switchyard:network": { azCount, availabilityZones },
    });
    // Another continent, and a neighbour with the same prefix: both are foreign to eu-west-1.
    for (const foreign of ["us-east-1b", "eu-central-1b", "eu-west-2b", "eu-west-10b"]) {
      assertProblem(
        network(["eu-west-1a", foreign, "eu-west-1c"]),
        "switchyard:network.availabilityZones.1",
        new RegExp(`^expected an AZ of region eu-west-1, got "${foreign}"$`),
      );
      assert.deepEqual(
        problems(network(["eu-west-1a", foreign, "eu-west-1c"])).map((p) => p.path),
        ["switchyard:network.availabilityZones.1"],
        "only the foreign name is reported",
      );
    }
    assertProblem(
      network(["eu-west-1a", "eu-west-1a", "eu-west-1c"]),
      "switchyard:network.availabilityZones",
      /^expected distinct AZ names$/,
    );
    assertProblem(
      network(["eu-west-1a", "eu-west-1b"]),
      "switchyard:network.availabilityZones",
      /^expected 3 names \(network\.azCount\), got 2$/,
    );
    const cfg = parseConfig({
      ...base,
      "switchyard:network": JSON.stringify({ azCount: 2, availabilityZones: ["eu-west-1c", "eu-west-1b"] }),
    });
    assert.deepEqual(cfg.availabilityZones, ["eu-west-1c", "eu-west-1b"]);
  });

  test("the Kubernetes service range must not overlap the VPC", () => {
    assertProblem(
      { "switchyard:network": { cidr: "172.20.0.0/16" } },
      "switchyard:kubernetes.serviceCidr",
      /overlaps the VPC range 172\.20\.0\.0\/16/,
    );
  });

  test("azCount is 2 to 6 and natGateways one of perAz | single | none", () => {
    assertProblem({ "switchyard:network": { azCount: 7 } }, "switchyard:network.azCount", /2 to 6/);
    assertProblem({ "switchyard:network": { azCount: 1 } }, "switchyard:network.azCount", /2 to 6/);
    assertProblem(
      { "switchyard:network": { natGateways: "two" } },
      "switchyard:network.natGateways",
      /perAz \| single \| none/,
    );
  });

  test("colours are only blue or green", () => {
    assertProblem(
      { "switchyard:apps": { shop: { ...app, live: "red" } } },
      "switchyard:apps.shop.live",
      /"blue" or "green"/,
    );
    assertProblem(
      { "switchyard:edge": { liveFleet: "purple" } },
      "switchyard:edge.liveFleet",
      /"blue" or "green"/,
    );
  });

  test("hostnames must be DNS names: no spaces, newlines or unexpected wildcards", () => {
    for (const host of [
      "shop example.com",
      "shop.example.com\nbackend evil",
      "*.example.com",
      "Shop.Example.com",
      "-a.example.com",
    ]) {
      assertProblem(
        { "switchyard:apps": { shop: { ...app, host } } },
        "switchyard:apps.shop.host",
        /DNS name/,
      );
    }
    // Aliases too: HAProxy routes by exact host, so a wildcard alias could never match.
    assertProblem(
      { "switchyard:apps": { shop: { ...app, aliases: ["*.shop.example.com"] } } },
      "switchyard:apps.shop.aliases.0",
      /no wildcards/,
    );
    const cfg = parseConfig({
      ...base,
      "switchyard:apps": JSON.stringify({ shop: { ...app, aliases: ["www.shop.example.com"] } }),
      "switchyard:etcd": JSON.stringify({ deployRunnerCidrs: ["10.100.0.0/24"] }),
    });
    assert.deepEqual(cfg.apps.shop.aliases, ["www.shop.example.com"]);
  });

  test("unknown keys are errors, at the top level and inside areas", () => {
    assertProblem({ "switchyard:netwrk": {} }, "switchyard:netwrk", /unknown key/);
    assertProblem({ "switchyard:etcd": { memebrs: 3 } }, "switchyard:etcd", /unknown key.*"memebrs"/);
    assertProblem(
      { "switchyard:apps": { shop: { ...app, replicas: 3 } } },
      "switchyard:apps.shop",
      /unknown key.*"replicas"/,
    );
  });

  test("every problem is reported at once", () => {
    const found = problems({
      "switchyard:etcd": { members: 4 },
      "switchyard:netwrk": {},
      "switchyard:network": { natGateways: "two", cidr: "8.8.0.0/16" },
    });
    assert.deepEqual(found.map((p) => p.path).sort(), [
      "switchyard:etcd.members",
      "switchyard:network.cidr",
      "switchyard:network.natGateways",
      "switchyard:netwrk",
    ]);
  });

  test("a missing, malformed or made-up region is named, with the nearest real one", () => {
    assertProblem({ "aws:region": "" }, "aws:region", /missing: expected the AWS region/);
    assertProblem({ "aws:region": "Ireland" }, "aws:region", /expected an AWS region such as eu-west-1/);
    // Shaped like a region but not one: only the provider's region list catches it.
    assertProblem(
      { "aws:region": "eu-wast-1" },
      "aws:region",
      /got "eu-wast-1" \(did you mean eu-west-1\?\)/,
    );
    assertProblem({ "aws:region": "eu-west-9" }, "aws:region", /got "eu-west-9"/);
    assert.equal(parseConfig({ "aws:region": "ap-southeast-5" }).region, "ap-southeast-5");
  });

  test("a bad app or node-group name says the allowed pattern, and its value is still checked", () => {
    const { resources: _omit, ...withoutResources } = app;
    const found = problems({
      "switchyard:apps": {
        Bad_Name: { ...withoutResources, resources: { requests: app.resources.requests } },
      },
    });
    const name = found.find((p) => p.path === "switchyard:apps.Bad_Name");
    assert.match(name?.message ?? "", /DNS-1123 label \(lower-case a-z, 0-9 and inner '-'.*got "Bad_Name"/);
    const limits = found.find((p) => p.path === "switchyard:apps.Bad_Name.resources.limits");
    assert.match(limits?.message ?? "", /^missing resources\.limits \(expected an object\)$/);
    assertProblem(
      { "switchyard:kubernetes": { nodeGroups: { GPU: {} } } },
      "switchyard:kubernetes.nodeGroups.GPU",
      /node group name to be a DNS-1123 label/,
    );
  });

  test("cross-area rules run even when another area is invalid", () => {
    const found = problems({
      "aws:region": "eu-wast-1",
      "switchyard:etcd": { members: 4 },
      "switchyard:network": { cidr: "172.20.0.0/16" },
      "switchyard:apps": { shop: app, shop2: { ...app, port: 80 } },
    });
    const paths = found.map((p) => p.path);
    for (const path of [
      "aws:region",
      "switchyard:etcd.members",
      "switchyard:apps.shop2.port",
      // network + kubernetes parsed, so their overlap is reported beside the other areas' problems.
      "switchyard:kubernetes.serviceCidr",
    ])
      assert.ok(paths.includes(path), `${path} missing from ${JSON.stringify(paths)}`);
  });

  test("app ports are unprivileged (HAProxy's egress to the nodes covers 1024-65535)", () => {
    assertProblem(
      { "switchyard:apps": { shop: { ...app, port: 80 } } },
      "switchyard:apps.shop.port",
      /1024-65535, got 80/,
    );
  });

  test("two apps cannot claim the same host", () => {
    assertProblem(
      { "switchyard:apps": { shop: app, shop2: { ...app } } },
      "switchyard:apps.shop2",
      /host shop\.example\.com is already served by app shop/,
    );
  });

  test("production needs 3 AZs", () => {
    assertProblem(
      { "switchyard:environment": "production", "switchyard:network": { azCount: 2 } },
      "switchyard:network.azCount",
      /at least 3 AZs/,
    );
  });
});

describe("edge TLS configuration", () => {
  const tls = (certificate: object) => ({ tls: { certificate } });
  const runners = { deployRunnerCidrs: ["10.100.0.0/24"] };

  test("a requested certificate must cover every app host (exact or one-level wildcard)", () => {
    const edge = tls({ domainName: "shop.example.com", hostedZoneId: "Z0ABC" });
    assertProblem(
      { "switchyard:edge": edge, "switchyard:etcd": runners, "switchyard:apps": { shop: app } },
      "switchyard:apps.shop",
      /host preview\.shop\.example\.com is not covered .* add it, or \*\.shop\.example\.com/,
    );
    const covering = tls({
      domainName: "shop.example.com",
      subjectAlternativeNames: ["*.shop.example.com"],
      hostedZoneId: "Z0ABC",
    });
    assert.deepEqual(
      problems({ "switchyard:edge": covering, "switchyard:etcd": runners, "switchyard:apps": { shop: app } }),
      [],
    );
  });

  test("exactly one certificate source, an ACM ARN, a TLS 1.3 policy, redirect or refuse", () => {
    assertProblem({ "switchyard:edge": { tls: {} } }, "switchyard:edge.tls", /exactly one of certificateArn/);
    assertProblem(
      { "switchyard:edge": { tls: { certificateArn: "arn:aws:iam::111122223333:role/x" } } },
      "switchyard:edge.tls.certificateArn",
      /ACM certificate ARN/,
    );
    assertProblem(
      {
        "switchyard:edge": {
          tls: {
            certificateArn: "arn:aws:acm:eu-west-1:111122223333:certificate/x",
            sslPolicy: "ELBSecurityPolicy-2016-08",
          },
        },
      },
      "switchyard:edge.tls.sslPolicy",
      /TLS 1\.3 ELB security policy/,
    );
    assertProblem(
      {
        "switchyard:edge": {
          tls: { certificateArn: "arn:aws:acm:eu-west-1:111122223333:certificate/x", http: "serve" },
        },
      },
      "switchyard:edge.tls.http",
      /"redirect" or "refuse"/,
    );
  });
});

describe("example placeholders", () => {
  const example = {
    "switchyard:environment": "production",
    "switchyard:kubernetes": { adminRoleArns: ["arn:aws:iam::123456789012:role/deploy"] },
    "switchyard:etcd": { deployRunnerCidrs: ["10.100.0.0/24"] },
    "switchyard:edge": { dns: { hostedZoneId: "Z0123456789EXAMPLE" } },
    "switchyard:apps": { shop: app },
    // Production also wants an alert contact point; off here, so only the placeholders are reported.
    "switchyard:monitoring": { enabled: false },
  };

  test("production refuses each one left in, by key path", () => {
    assert.deepEqual(
      problems(example)
        .map((p) => p.path)
        .sort(),
      [
        "switchyard:edge.dns.hostedZoneId",
        "switchyard:kubernetes.adminRoleArns.0",
        "switchyard:apps.shop.host",
        "switchyard:apps.shop.blue.image",
        "switchyard:apps.shop.green.image",
      ].sort(),
    );
    assertProblem(example, "switchyard:kubernetes.adminRoleArns.0", /example AWS account id 123456789012/);
    assertProblem(example, "switchyard:apps.shop.host", /example domain \(RFC 2606\)/);
  });

  test("other environments keep them; the offline plan's mode turns them into warnings", () => {
    assert.deepEqual(problems({ ...example, "switchyard:environment": "staging" }), []);
    const warnings: { path: string; message: string }[] = [];
    const encoded = Object.fromEntries(
      Object.entries({ ...base, ...example }).map(([k, v]) => [
        k,
        typeof v === "string" ? v : JSON.stringify(v),
      ]),
    );
    parseConfig(encoded, { placeholders: "warn", warnings });
    assert.equal(warnings.length, 5);
  });
});

describe("configuration reference", () => {
  test("every default docs/configuration.md states is the one the schema applies", () => {
    const doc = readFileSync(join(ROOT, "docs/configuration.md"), "utf8");
    // Defaults of an empty stack, and of an app that sets only what is required.
    const empty = parseConfig(base) as unknown as Record<string, unknown>;
    const withApp = parseConfig({
      ...base,
      "switchyard:apps": JSON.stringify({
        shop: { ...app, autoscaling: { minReplicas: 2, maxReplicas: 4 } },
      }),
      "switchyard:etcd": JSON.stringify({ deployRunnerCidrs: ["10.100.0.0/24"] }),
    }) as unknown as Record<string, unknown>;
    // Defaults inside optional objects apply once the object is set: checked on one of each.
    const withOptional = parseConfig({
      ...base,
      "switchyard:edge": JSON.stringify({
        tls: { certificate: { domainName: "shop.example.com", hostedZoneId: "Z0ABC" } },
      }),
      "switchyard:kubernetes": JSON.stringify({ nodeEgress: { db: { cidr: "10.50.0.0/24", port: 5432 } } }),
    }) as unknown as Record<string, unknown>;
    const configOf = (key: string) =>
      key.startsWith("apps.")
        ? withApp
        : key.startsWith("edge.tls.") || key.startsWith("kubernetes.nodeEgress.")
          ? withOptional
          : empty;
    const child = (v: unknown, k: string) => (v as Record<string, unknown> | undefined)?.[k];
    // `apps.<name>.port` is checked on the app above, `nodeGroups.<name>` on every default group.
    const instances = (key: string): string[] => {
      const m = /^(.*?)\.<(name|namespace)>\.(.*)$/.exec(key);
      if (!m) return [key];
      const names = Object.keys((m[1].split(".").reduce(child, configOf(key)) as object | undefined) ?? {});
      assert.ok(names.length > 0, `${key}: no ${m[2]} to check it on`);
      return names.flatMap((n) => instances(`${m[1]}.${n}.${m[3]}`));
    };
    const rows = [...doc.matchAll(/^\| `([^`]+)` \| `([^`<]*)` \|/gm)];
    assert.ok(rows.length >= 80, `${rows.length} documented defaults`);
    for (const [, key, documented] of rows) {
      for (const path of instances(key)) {
        const actual = path.split(".").reduce(child, configOf(key));
        const shown = Array.isArray(actual) ? `[${actual.join(", ")}]` : String(actual);
        assert.equal(shown, documented, `${path}: documented default`);
      }
    }
  });

  test("docs/configuration.md documents every key the schema accepts", () => {
    const doc = readFileSync(join(ROOT, "docs/configuration.md"), "utf8");
    const documented = (key: string) =>
      key
        .replace(/^switchyard:/, "")
        .replace(
          /^kubernetes\.namespaces\.(platform|logging|monitoring|apps)\./,
          "kubernetes.namespaces.<namespace>.",
        )
        .replace(/^kubernetes\.addonVersions\..*/, "kubernetes.addonVersions.<add-on>");
    const missing = [...new Set(listConfigKeys().map(documented))].filter((k) => !doc.includes(`\`${k}\``));
    assert.deepEqual(missing, []);
  });
});
