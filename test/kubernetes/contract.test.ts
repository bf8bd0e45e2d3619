import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { STACK_EXPORT_KEYS, STACK_EXPORTS } from "../../components/contract";
import { listConfigKeys } from "../../components/config/keys";
import { SECRET_PLACEHOLDER } from "../../scripts/lib/evaluate";
import { planExample } from "../helpers/examples";
import { planStack, ROOT } from "../helpers/plan";

const planConsumer = () => planExample("consumer");

describe("stack exports contract", () => {
  for (const stack of ["prod", "staging"]) {
    test(`${stack}: the program's outputs are exactly the contract's keys`, () => {
      assert.deepEqual(Object.keys(planStack(stack).outputs).sort(), [...STACK_EXPORT_KEYS].sort());
    });
  }

  test("each output has the contract's shape and secrecy", () => {
    const outputs = planStack("prod").outputs;
    for (const key of STACK_EXPORT_KEYS) {
      const spec = STACK_EXPORTS[key];
      const value = outputs[key];
      if (spec.secret) {
        assert.equal(value, SECRET_PLACEHOLDER, `${key} must be a secret`);
      } else if (spec.shape === "string") {
        assert.equal(typeof value, "string", key);
        assert.notEqual(value, SECRET_PLACEHOLDER, `${key} is not declared secret`);
      } else if (spec.shape === "string[]") {
        assert.ok(Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string"), key);
      } else {
        assert.deepEqual(Object.keys(value as object).sort(), [...spec.keys].sort(), key);
      }
    }
  });

  test("the example consumer reads and uses every export through its StackReference", () => {
    const consumer = planConsumer();
    const seen = JSON.stringify([consumer.resources.map((r) => r.inputs), consumer.outputs]);
    for (const key of STACK_EXPORT_KEYS.filter((k) => !STACK_EXPORTS[k].secret)) {
      // Not followed by a letter: `sample:clusterName` must not be satisfied by a longer key.
      assert.match(seen, new RegExp(`sample:${key}(?![A-Za-z])`), `consumer does not use ${key}`);
    }
    // The secret (kubeconfig) reaches the consumer's Kubernetes provider, still a secret.
    const provider = consumer.resources.find((r) => r.type === "pulumi:providers:kubernetes");
    assert.deepEqual(provider?.inputs, { kubeconfig: SECRET_PLACEHOLDER });
    // And no Kubernetes resource of the consumer bypasses it.
    for (const r of consumer.resources.filter((x) => x.custom && x.type.startsWith("kubernetes:"))) {
      assert.ok(r.provider?.startsWith(provider!.urn), r.name);
    }
  });

  test("docs/exports.md documents every export", () => {
    const doc = readFileSync(join(ROOT, "docs/exports.md"), "utf8");
    for (const key of STACK_EXPORT_KEYS) assert.match(doc, new RegExp(`\`${key}\``), key);
  });

  test("docs/kubernetes.md documents every switchyard:kubernetes key", () => {
    const doc = readFileSync(join(ROOT, "docs/kubernetes.md"), "utf8");
    const keys = listConfigKeys()
      .filter((k) => k.startsWith("switchyard:kubernetes."))
      .map((k) =>
        k
          .replace("switchyard:kubernetes.", "")
          .replace(/^namespaces\.(platform|logging|monitoring|apps)\./, "namespaces.<namespace>.")
          .replace(/^addonVersions\..*/, "addonVersions.<add-on>")
          .replace(/\.<name>$/, ""),
      );
    for (const key of new Set(keys)) assert.ok(doc.includes(`\`${key}\``), `docs/kubernetes.md lacks ${key}`);
  });
});
