// Bundles switchyard-agent (dist/agent/switchyard-agent.js), switchyard-registrar
// (dist/registrar/switchyard-registrar.js) and graylog-configurator, one file each, runnable with Node >= 20.
// etcd3 reads its .proto files from disk at start-up; the plugin inlines them as JSON so that the
// bundle needs nothing beside it.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { build } from "esbuild";

const require = createRequire(import.meta.url);
const protobuf = require("protobufjs");
const etcd3Dir = dirname(require.resolve("etcd3/package.json"));
const LOAD = "(0, proto_loader_1.loadSync)(`${__dirname}/../proto/rpc.proto`,";

const inlineEtcdProtos = {
  name: "inline-etcd3-protos",
  setup(b) {
    b.onLoad({ filter: /etcd3[\\/]lib[\\/]connection-pool\.js$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      if (!source.includes(LOAD))
        throw new Error("etcd3 changed how it loads rpc.proto; update hosts/build.mjs");
      // keepCase as etcd3 itself loads them: its requests use the snake_case field names.
      const root = new protobuf.Root().loadSync(join(etcd3Dir, "proto/rpc.proto"), { keepCase: true });
      const json = JSON.stringify(root.toJSON());
      return { contents: source.replace(LOAD, `(0, proto_loader_1.fromJSON)(${json},`), loader: "js" };
    });
  },
};

const bundles = [
  { entry: "hosts/agent/main.ts", outfile: "dist/agent/switchyard-agent.js" },
  // The in-cluster member writer shares the agent's etcd, schema and logging code (docs/registrar.md).
  { entry: "hosts/registrar/main.ts", outfile: "dist/registrar/switchyard-registrar.js" },
  // Graylog's input, stream and index set through its REST API (docs/logging.md).
  {
    entry: "hosts/graylog-configurator/main.ts",
    outfile: "dist/graylog-configurator/graylog-configurator.js",
  },
];

// `node hosts/build.mjs graylog-configurator` builds only the bundles whose file name matches.
const only = process.argv.slice(2);
const selected = bundles.filter((b) => only.length === 0 || only.some((name) => b.outfile.includes(name)));
if (selected.length === 0) throw new Error(`no bundle matches ${only.join(" ")}`);

for (const { entry, outfile } of selected) {
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    target: "node20",
    outfile,
    banner: { js: "#!/usr/bin/env node" },
    plugins: [inlineEtcdProtos],
    // Module paths in the bundle stay inside the tree even when node_modules is a symlink (the
    // base tree of `plan --diff` links this one's): the bytes must not depend on where it lives.
    preserveSymlinks: true,
    logLevel: "warning",
  });
}
