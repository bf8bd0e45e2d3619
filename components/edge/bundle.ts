/**
 * The switchyard-agent bundle the HAProxy hosts run, built at program time from the agent's
 * sources. It runs the agent's own build script (hosts/build.mjs, `npm run build:agent`) rather
 * than calling esbuild's buildSync here: the bundle needs that script's plugin that inlines
 * etcd3's .proto files, and esbuild runs plugins only in its asynchronous API. One build
 * definition, so what CI tests is byte for byte what the hosts run.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface AgentBundle {
  content: string;
  sha256: string;
  /** Content-addressed object key: a new bundle is a new key, so old hosts keep theirs. */
  key: string;
}

export function describeBundle(content: string): AgentBundle {
  const sha256 = createHash("sha256").update(content).digest("hex");
  return { content, sha256, key: `agent/switchyard-agent-${sha256.slice(0, 16)}.js` };
}

export function buildAgentBundle(root: string): AgentBundle {
  execFileSync(process.execPath, [join(root, "hosts/build.mjs")], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
  });
  return describeBundle(readFileSync(join(root, "dist/agent/switchyard-agent.js"), "utf8"));
}
