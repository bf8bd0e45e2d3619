// What `parseConfig` (components/config/parse.ts) tells a user whose stack file is wrong: every
// problem with its full key path, one report, and exact wording for the keys it checks itself.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ConfigError, parseConfig } from "../../components/config";
import { areaSchemas, scalarSchemas } from "../../components/config/schema";

const base = { "aws:region": "eu-west-1" };

function configError(raw: Record<string, string>): ConfigError {
  try {
    parseConfig({ ...base, ...raw });
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${e}`);
    return e;
  }
  assert.fail(`${JSON.stringify(raw)} was accepted`);
}

describe("parseConfig: reporting problems", () => {
  test("the error lists every problem, one line each, and counts them", () => {
    const one = configError({ "switchyard:etcd": JSON.stringify({ members: 4 }) });
    assert.equal(one.name, "ConfigError");
    assert.equal(
      one.message,
      "invalid stack configuration (1 problem):\n" +
        "  - switchyard:etcd.members: expected 3 or 5 members (an odd quorum that survives one or two losses), got 4",
    );
    const two = configError({
      "switchyard:etcd": JSON.stringify({ members: 4 }),
      "switchyard:network": JSON.stringify({ natGateways: "both" }),
    });
    assert.equal(two.problems.length, 2);
    assert.match(
      two.message,
      /^invalid stack configuration \(2 problems\):\n {2}- switchyard:network\.natGateways: /,
    );
    assert.equal(two.message.split("\n").length, 3);
  });

  test("an area that is not a map is named, and the other areas are still checked", () => {
    const e = configError({
      "switchyard:network": "cidr: 10.0.0.0/16",
      "switchyard:etcd": JSON.stringify({ members: 4 }),
    });
    assert.deepEqual(
      e.problems.map((p) => p.path),
      ["switchyard:network", "switchyard:etcd.members"],
    );
    assert.equal(e.problems[0].message, "expected an object (YAML map), got text that is not JSON");
  });

  test("unknown keys: top-level ones list the known keys, nested ones are quoted", () => {
    const known = [...Object.keys(areaSchemas), ...Object.keys(scalarSchemas)];
    assert.deepEqual(configError({ "switchyard:netwrk": "{}" }).problems, [
      { path: "switchyard:netwrk", message: `unknown key (expected one of ${known.join(", ")})` },
    ]);
    assert.deepEqual(configError({ "switchyard:etcd": JSON.stringify({ memebrs: 3, sise: 1 }) }).problems, [
      { path: "switchyard:etcd", message: 'unknown key(s) "memebrs", "sise" (check the spelling)' },
    ]);
  });

  test("the region is a region name; multi-part names are accepted", () => {
    assert.equal(parseConfig({ "aws:region": "us-gov-west-1" }).region, "us-gov-west-1");
    assert.deepEqual(parseConfig({ "aws:region": "ap-southeast-2" }).availabilityZones.length, 3);
    for (const region of [" eu-west-1", "eu-west-1 ", "eu-1", "EU-west-1"]) {
      const problems = configError({ "aws:region": region }).problems;
      assert.deepEqual(
        problems.map((p) => p.path),
        ["aws:region"],
      );
      assert.ok(
        problems[0].message.startsWith(
          `expected an AWS region such as eu-west-1, got ${JSON.stringify(region)}`,
        ),
        problems[0].message,
      );
    }
    assert.deepEqual(configError({ "aws:region": "" }).problems, [
      { path: "aws:region", message: "missing: expected the AWS region, e.g. eu-west-1" },
    ]);
  });
});

describe("parseConfig: checks across areas", () => {
  test("an explicit AZ whose zone letter has no subnet slot is named with the slot rule", () => {
    const e = configError({
      "switchyard:network": JSON.stringify({ availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1z"] }),
    });
    assert.deepEqual(e.problems, [
      {
        path: "switchyard:network.availabilityZones.2",
        message: 'availability zone "eu-west-1z" must end in a letter a-h',
      },
    ]);
  });

  test("an app's default preview host (preview.<host>) cannot be another app's host", () => {
    const app = (host: string) => ({
      host,
      live: "blue",
      blue: { image: "registry.example.com/shop:1.0.0" },
      green: { image: "registry.example.com/shop:1.1.0" },
      resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
    });
    const e = configError({
      "switchyard:etcd": JSON.stringify({ deployRunnerCidrs: ["10.100.0.0/24"] }),
      "switchyard:apps": JSON.stringify({
        shop: app("shop.example.com"),
        staging: app("preview.shop.example.com"),
      }),
    });
    assert.deepEqual(e.problems, [
      {
        path: "switchyard:apps.staging",
        message: "host preview.shop.example.com is already served by app shop",
      },
    ]);
  });

  test("production alerts must reach someone: one contact point of any kind, unless monitoring is off", () => {
    const production = { "switchyard:environment": "production" };
    const monitoring = (m: object) => ({ ...production, "switchyard:monitoring": JSON.stringify(m) });
    assert.deepEqual(configError(production).problems, [
      {
        path: "switchyard:monitoring.alerts.contactPoints",
        message: "production needs at least one contact point (email, slack or sns) so alerts reach someone",
      },
    ]);
    const email = {
      addresses: ["ops@acme-corp.io"],
      smtp: { host: "smtp.acme-corp.io:587", user: "u", password: "p", fromAddress: "g@acme-corp.io" },
    };
    for (const contactPoints of [
      { email },
      { slack: { webhookUrl: "https://hooks.slack.com/x" } },
      { sns: { topicArn: "arn:aws:sns:eu-west-1:210987654321:alerts" } },
    ])
      parseConfig({ ...base, ...monitoring({ alerts: { contactPoints } }) });
    parseConfig({ ...base, ...monitoring({ enabled: false }) });
    parseConfig({ ...base, "switchyard:environment": "staging" });
  });
});
