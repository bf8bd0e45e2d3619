// A parsed configuration written back as explicit stack configuration parses to the same thing:
// every default is a value the schema itself accepts (a bound, an enum or a pattern that refused
// its own default would only show once someone set the value explicitly).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseConfig } from "../../components/config";
import { areaSchemas, scalarSchemas, type SwitchyardConfig } from "../../components/config/schema";

const base = { "aws:region": "eu-west-1" };
// Own names, not the example placeholders: production refuses those (components/config/placeholders.ts).
const app = {
  host: "shop.switchyard.dev",
  live: "green",
  blue: { image: "registry.switchyard.dev/shop:1.0.0" },
  green: { image: "registry.switchyard.dev/shop@sha256:" + "a".repeat(64), replicas: 3 },
  resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1.5", memory: "1Gi" } },
  autoscaling: { minReplicas: 2, maxReplicas: 4 },
};

/** The stack configuration (Pulumi's flat key/value map) that states `cfg` explicitly. */
function explicit(cfg: SwitchyardConfig): Record<string, string> {
  const raw: Record<string, string> = { "aws:region": cfg.region };
  for (const area of Object.keys(areaSchemas) as (keyof typeof areaSchemas)[])
    raw[`switchyard:${area}`] = JSON.stringify(cfg[area]);
  for (const scalar of Object.keys(scalarSchemas) as (keyof typeof scalarSchemas)[])
    raw[`switchyard:${scalar}`] = String(cfg[scalar]);
  return raw;
}

describe("configuration round trip", () => {
  const stacks: [string, Record<string, string>][] = [
    ["an empty stack", base],
    [
      "a production stack with an app",
      {
        ...base,
        "switchyard:environment": "production",
        "switchyard:apps": JSON.stringify({ shop: app }),
        "switchyard:etcd": JSON.stringify({ members: 5, deployRunnerCidrs: ["10.100.0.0/24"] }),
        "switchyard:network": JSON.stringify({ natGateways: "single", azCount: 3 }),
        // Production must name somewhere alerts go.
        "switchyard:monitoring": JSON.stringify({
          alerts: { contactPoints: { sns: { topicArn: "arn:aws:sns:eu-west-1:210987654321:alerts" } } },
        }),
      },
    ],
  ];
  for (const [name, raw] of stacks) {
    test(`${name}: its parsed form, written back explicitly, parses to the same configuration`, () => {
      const cfg = parseConfig(raw);
      assert.deepEqual(parseConfig(explicit(cfg)), cfg);
    });
  }
});
