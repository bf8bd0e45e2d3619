/**
 * Short content digests for names and annotations that must change when what they stand for
 * does: a pod template annotated with its mounted files' digest rolls when a file changes
 * (a process that reads its config or certificate only at start), a Job named by its inputs' digest
 * runs again.
 */
import { createHash } from "node:crypto";

/** Pod-template annotation carrying the digest of the files a workload reads at start. */
export const CONFIG_DIGEST_ANNOTATION = "switchyard.io/config-digest";

export function shortDigest(...parts: string[]): string {
  const hash = createHash("sha256");
  for (const p of parts) hash.update(p).update("\0");
  return hash.digest("hex").slice(0, 10);
}
