/**
 * The host programs' bundles (switchyard-agent for the HAProxy hosts, switchyard-registrar and
 * graylog-configurator for the cluster) as files of this tree. They are built by the hosts' own build script (hosts/build.mjs,
 * `npm run build:agent`), run as a child process: esbuild runs the plugin that inlines etcd3's
 * .proto files only in its asynchronous API, and the script keeps a content-hash cache, so this
 * costs one short process per program run (and per root) and esbuild only after a change to the
 * host programs or their dependencies. One build definition: what CI tests is byte for byte what
 * the hosts run.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface HostBundleFiles {
  agent: Buffer;
  registrar: Buffer;
  /** The registrar bundle gzipped (level 9), as its ConfigMap carries it. */
  registrarGzip: Buffer;
  /** Graylog's configurator Job (components/logging/graylog). */
  graylogConfigurator: Buffer;
}

const built = new Set<string>();

export function hostBundleFiles(root: string): HostBundleFiles {
  if (!built.has(root)) {
    execFileSync(process.execPath, [join(root, "hosts/build.mjs")], {
      cwd: root,
      stdio: ["ignore", "ignore", "inherit"],
    });
    built.add(root);
  }
  const read = (path: string) => readFileSync(join(root, path));
  return {
    agent: read("dist/agent/switchyard-agent.js"),
    registrar: read("dist/registrar/switchyard-registrar.js"),
    registrarGzip: read("dist/registrar/switchyard-registrar.js.gz"),
    graylogConfigurator: read("dist/graylog-configurator/graylog-configurator.js"),
  };
}
