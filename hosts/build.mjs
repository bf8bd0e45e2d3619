// Bundles switchyard-agent (dist/agent/switchyard-agent.js), switchyard-registrar
// (dist/registrar/switchyard-registrar.js, plus the gzipped copy the cluster receives) and
// graylog-configurator (dist/graylog-configurator/), one file each, runnable with Node >= 20.
//
// Content-hash cache: after a build, the manifest in node_modules/.cache/switchyard/ (or
// --cache-dir) records the sha256 of every file the bundle was made from (esbuild's metafile:
// sources and node_modules alike, plus the .proto files the plugin inlines) and of every output.
// The next run rebuilds a bundle only when one of those files, an output in dist/, this script or
// esbuild's version changed; otherwise it loads nothing but node:crypto and node:fs. Every plan
// runs this script once (components/common/hostBundles.ts), so the plan pays for esbuild only
// after a change to the host programs. Prints one JSON line: `{"<outfile>":"built"|"cached",...}`.
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";

const require = createRequire(import.meta.url);
const SCRIPT = fileURLToPath(import.meta.url);
const ROOT = resolve(dirname(SCRIPT), "..");
const LOAD = "(0, proto_loader_1.loadSync)(`${__dirname}/../proto/rpc.proto`,";

export const BUNDLES = [
  { entry: "hosts/agent/main.ts", outfile: "dist/agent/switchyard-agent.js", gzip: false },
  // The in-cluster member writer shares the agent's etcd, schema and logging code
  // (docs/registrar.md). Over a ConfigMap's 1 MiB as is, so it also ships gzipped (level 9: built
  // once per change, read on every plan).
  { entry: "hosts/registrar/main.ts", outfile: "dist/registrar/switchyard-registrar.js", gzip: true },
  // Graylog's input, stream and index set through its REST API (docs/logging.md); no dependencies.
  {
    entry: "hosts/graylog-configurator/main.ts",
    outfile: "dist/graylog-configurator/graylog-configurator.js",
    gzip: false,
  },
];

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

function hashOrNull(path) {
  try {
    return sha256(readFileSync(path));
  } catch {
    return null;
  }
}

/** What every cached bundle depends on besides its inputs: this script and the bundler. */
function builderKey() {
  const esbuildVersion = JSON.parse(readFileSync(require.resolve("esbuild/package.json"), "utf8")).version;
  return sha256(`${sha256(readFileSync(SCRIPT))} esbuild ${esbuildVersion}`);
}

function outputsOf(bundle) {
  return bundle.gzip ? [bundle.outfile, `${bundle.outfile}.gz`] : [bundle.outfile];
}

/** True when every recorded input and output still has the recorded content. */
function isFresh(root, record) {
  if (!record) return false;
  return Object.entries({ ...record.inputs, ...record.outputs }).every(
    ([path, hash]) => hashOrNull(join(root, path)) === hash,
  );
}

function writeAtomically(path, bytes) {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path); // concurrent plans never read a half-written bundle
}

/** esbuild runs plugins only in its asynchronous API, hence a build rather than buildSync. */
async function bundle(root, { entry, outfile }) {
  const { build } = await import("esbuild");
  const protobuf = require("protobufjs");
  const etcd3Dir = dirname(require.resolve("etcd3/package.json", { paths: [root] }));
  const protoFiles = [];
  // etcd3 reads its .proto files from disk at start-up; inlined as JSON, the bundle needs nothing
  // beside it.
  const inlineEtcdProtos = {
    name: "inline-etcd3-protos",
    setup(b) {
      b.onLoad({ filter: /etcd3[\\/]lib[\\/]connection-pool\.js$/ }, (args) => {
        const source = readFileSync(args.path, "utf8");
        if (!source.includes(LOAD))
          throw new Error("etcd3 changed how it loads rpc.proto; update hosts/build.mjs");
        // keepCase as etcd3 itself loads them: its requests use the snake_case field names.
        const protoRoot = new protobuf.Root().loadSync(join(etcd3Dir, "proto/rpc.proto"), { keepCase: true });
        protoFiles.push(...protoRoot.files);
        const json = JSON.stringify(protoRoot.toJSON());
        return { contents: source.replace(LOAD, `(0, proto_loader_1.fromJSON)(${json},`), loader: "js" };
      });
    },
  };
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    target: "node20",
    outfile,
    write: false,
    metafile: true,
    banner: { js: "#!/usr/bin/env node" },
    plugins: [inlineEtcdProtos],
    // Module paths in the bundle stay inside the tree even when node_modules is a symlink (the
    // base tree of `plan --diff` links this one's): the bytes must not depend on where it lives.
    preserveSymlinks: true,
    logLevel: "warning",
  });
  // esbuild also reads the tree's tsconfig.json (compiler options), which its metafile omits.
  const inputs = [
    "tsconfig.json",
    ...Object.keys(result.metafile.inputs),
    ...protoFiles.map((f) => relative(root, f)),
  ];
  return {
    content: Buffer.from(result.outputFiles[0].contents),
    inputs: Object.fromEntries(inputs.sort().map((p) => [p, hashOrNull(join(root, p))])),
  };
}

/**
 * Builds the bundles whose sources changed since the cached build; leaves the others alone.
 * Returns, per outfile, "built" or "cached".
 */
export async function buildHostBundles({
  root = ROOT,
  cacheDir = join(root, "node_modules/.cache/switchyard"),
} = {}) {
  const manifestPath = join(cacheDir, "host-bundles.json");
  const key = builderKey();
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  } catch {
    manifest = undefined;
  }
  const records = manifest?.key === key ? manifest.bundles : {};
  const report = {};
  for (const b of BUNDLES) {
    if (isFresh(root, records[b.outfile])) {
      report[b.outfile] = "cached";
      continue;
    }
    const { content, inputs } = await bundle(root, b);
    // gzip output carries no timestamp from zlib.gzipSync: the same bundle gives the same bytes.
    const files = { [b.outfile]: content };
    if (b.gzip) files[`${b.outfile}.gz`] = gzipSync(content, { level: 9 });
    for (const [path, bytes] of Object.entries(files)) writeAtomically(join(root, path), bytes);
    records[b.outfile] = {
      inputs,
      outputs: Object.fromEntries(outputsOf(b).map((p) => [p, sha256(files[p])])),
    };
    report[b.outfile] = "built";
  }
  writeAtomically(manifestPath, JSON.stringify({ key, bundles: records }, null, 1) + "\n");
  return report;
}

if (process.argv[1] && resolve(process.argv[1]) === SCRIPT) {
  const { values } = parseArgs({ options: { "cache-dir": { type: "string" } } });
  const report = await buildHostBundles({
    cacheDir: values["cache-dir"] ? resolve(values["cache-dir"]) : undefined,
  });
  console.log(JSON.stringify(report));
}
