/** The boot-time installer of the agent bundle: download from S3, verify sha256, install. */
import { AGENT_HOST } from "./layout";

export interface BundleLocation {
  bucket: string;
  key: string;
  sha256: string;
}

export function renderInstallAgentScript(b: BundleLocation): string {
  return `#!/bin/bash
set -euo pipefail
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for attempt in 1 2 3 4 5 6; do
  aws s3 cp --only-show-errors 's3://${b.bucket}/${b.key}' "$tmp/agent.js" && break
  [ "$attempt" = 6 ] && { echo "cannot download the agent bundle" >&2; exit 1; }
  sleep $((attempt * 5))
done
# The checksum comes from the launch template, not from the bucket: a bundle that does not match
# what Pulumi built is never run.
echo '${b.sha256}  '"$tmp/agent.js" | sha256sum --check --strict -
install -D -m 0644 -o root -g root "$tmp/agent.js" ${AGENT_HOST.bundle}
`;
}
