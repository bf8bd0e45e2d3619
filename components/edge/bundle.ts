/**
 * The switchyard-agent bundle the HAProxy hosts run, built from the agent's sources by the hosts'
 * build script (see components/common/hostBundles.ts).
 */
import { createHash } from "node:crypto";
import { hostBundleFiles } from "../common/hostBundles";

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
  return describeBundle(hostBundleFiles(root).agent.toString("utf8"));
}
