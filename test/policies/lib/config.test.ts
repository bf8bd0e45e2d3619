// Pack configuration (policies/lib/config.ts): the CLI validates an operator's settings against each
// policy's configSchema (JSON Schema) before the pack runs, and a policy reads the defaults for what
// is not set. Validated here with Ajv, a JSON Schema validator, against the settings documented in
// docs/policies.md.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import Ajv from "ajv";
import type { PolicyConfigSchema } from "@pulumi/policy";
import { configurable } from "../../../policies/lib/config";
import { policies } from "../../../policies/rules";
import { ROOT } from "../../helpers/plan";

const ajv = new Ajv({ strict: false });
const validator = (schema: PolicyConfigSchema) => ajv.compile({ type: "object", ...schema });

describe("policy configuration schema", () => {
  const settings = configurable(
    { names: ["a"], ports: [22], level: "high", limit: 3, strict: true },
    { names: "Names.", ports: "Ports.", level: "Level.", limit: "Limit.", strict: "Strict." },
  );
  const validate = validator(settings.configSchema);

  it("accepts values of each setting's type and refuses other types", () => {
    assert.ok(validate({ names: ["x", "y"], ports: [80, 443], level: "low", limit: 10, strict: false }));
    for (const wrong of [
      { names: [1] },
      { names: "a" },
      { ports: ["22"] },
      { level: 1 },
      { limit: "3" },
      { strict: "yes" },
    ])
      assert.equal(validate(wrong), false, `${JSON.stringify(wrong)} was accepted`);
  });

  it("publishes each default and description", () => {
    const { properties } = settings.configSchema;
    assert.deepEqual(Object.keys(properties), ["names", "ports", "level", "limit", "strict"]);
    assert.deepEqual(properties.ports, {
      description: "Ports.",
      default: [22],
      type: "array",
      items: { type: "number" },
    });
    assert.deepEqual(properties.level, { description: "Level.", default: "high", type: "string" });
  });

  it("reads the operator's settings over the defaults, key by key", () => {
    const read = (config: object) => settings.read({ getConfig: <C>() => config as C });
    assert.deepEqual(read({}), { names: ["a"], ports: [22], level: "high", limit: 3, strict: true });
    assert.deepEqual(read({ ports: [2222], strict: false }), {
      names: ["a"],
      ports: [2222],
      level: "high",
      limit: 3,
      strict: false,
    });
  });

  it("every policy's schema accepts its own defaults and the documented example settings", () => {
    const doc = readFileSync(join(ROOT, "docs/policies.md"), "utf8");
    const example = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(doc)![1]) as Record<string, unknown>;
    const configured = policies.filter((p) => p.configSchema);
    assert.ok(configured.length >= 10, `${configured.length} configurable policies`);
    for (const p of configured) {
      const validate = validator(p.configSchema!);
      const defaults = Object.fromEntries(
        Object.entries(p.configSchema!.properties).map(([k, v]) => [k, (v as { default: unknown }).default]),
      );
      assert.ok(validate(defaults), `${p.name}: ${ajv.errorsText(validate.errors)}`);
      for (const [key, property] of Object.entries(p.configSchema!.properties))
        assert.match(
          String((property as { description?: unknown }).description),
          /^[A-Z].{10,}\.$/,
          `${p.name}.${key}: description`,
        );
      const entry = example[p.name];
      if (typeof entry === "object" && entry !== null) {
        const { enforcementLevel: _level, ...own } = entry as Record<string, unknown>;
        assert.ok(validate(own), `${p.name} example: ${ajv.errorsText(validate.errors)}`);
      }
    }
  });
});
