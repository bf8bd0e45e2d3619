// ESLint rule "switchyard/layers": the import direction between the tree's layers
// (docs/architecture.md). Each relative import is resolved to a path in the repository, and the
// importing file's layer must be allowed to use the target's layer. Files outside every layer
// (scripts/, test/) may import anything: they are harnesses, not shipped code.
import { dirname, relative, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");

/** First match wins. `may`: the layers a file of this layer may import (its own included). */
export const LAYERS = [
  { name: "model", match: (p) => p.startsWith("model/"), may: ["model"] },
  { name: "components", match: (p) => p.startsWith("components/"), may: ["model", "components"] },
  { name: "host runtime", match: (p) => p.startsWith("hosts/runtime/"), may: ["model", "host runtime"] },
  { name: "agent", match: (p) => p.startsWith("hosts/agent/"), may: ["model", "host runtime", "agent"] },
  {
    name: "registrar",
    match: (p) => p.startsWith("hosts/registrar/"),
    may: ["model", "host runtime", "registrar"],
  },
  {
    name: "graylog configurator",
    match: (p) => p.startsWith("hosts/graylog-configurator/"),
    may: ["model", "host runtime", "graylog configurator"],
  },
  {
    name: "testbed",
    match: (p) => p.startsWith("hosts/testbed/"),
    may: ["model", "host runtime", "testbed"],
  },
  { name: "policies", match: (p) => p.startsWith("policies/"), may: ["model", "policies"] },
  { name: "program", match: (p) => p === "index.ts", may: ["model", "components"] },
  { name: "examples", match: (p) => p.startsWith("examples/"), may: ["model", "components", "examples"] },
];

export function layerOf(repoPath) {
  return LAYERS.find((l) => l.match(repoPath));
}

/** The layer a relative import of `spec` from `file` (absolute) reaches, and whether it may. */
export function checkImport(file, spec, root = ROOT) {
  if (!spec.startsWith(".")) return undefined;
  const from = layerOf(relative(root, file).split("\\").join("/"));
  if (!from) return undefined;
  const to = layerOf(
    relative(root, resolve(dirname(file), spec))
      .split("\\")
      .join("/"),
  );
  if (!to || from.may.includes(to.name)) return undefined;
  return { from: from.name, to: to.name };
}

const rule = {
  meta: {
    type: "problem",
    docs: { description: "imports go one way: components and host programs share model/, never each other" },
    schema: [{ type: "object", properties: { root: { type: "string" } }, additionalProperties: false }],
    messages: {
      wrongWay:
        "{{from}} may not import {{to}} ({{spec}}): share it through model/ instead (docs/architecture.md)",
    },
  },
  create(context) {
    const root = context.options[0]?.root ?? ROOT;
    const check = (node, source) => {
      if (!source || typeof source.value !== "string") return;
      const bad = checkImport(context.filename, source.value, root);
      if (bad) context.report({ node: source, messageId: "wrongWay", data: { ...bad, spec: source.value } });
    };
    return {
      ImportDeclaration: (n) => check(n, n.source),
      ExportAllDeclaration: (n) => check(n, n.source),
      ExportNamedDeclaration: (n) => check(n, n.source),
      ImportExpression: (n) => check(n, n.source),
      TSImportType: (n) => check(n, n.argument?.literal ?? n.argument),
      TSExternalModuleReference: (n) => check(n, n.expression),
      CallExpression: (n) => {
        if (n.callee.type === "Identifier" && n.callee.name === "require") check(n, n.arguments[0]);
      },
    };
  },
};

export default { rules: { layers: rule } };
