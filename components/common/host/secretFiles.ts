/**
 * How hosts get key material: never through user-data (stored in plain text in Pulumi state and
 * readable from the instance metadata), always fetched at boot from Secrets Manager with the
 * instance role. The secret is a JSON object of file name -> PEM text; each becomes a 0600 file.
 */

import type { UnitFile } from "./systemd";

/** File names a TLS secret holds (PEM text each): ca.crt, tls.crt, tls.key. */
export const TLS_FILES = { ca: "ca.crt", cert: "tls.crt", key: "tls.key" } as const;

/** The boot-time fetcher, installed as /usr/local/sbin/fetch-secret-files. */
export const FETCH_SECRET_FILES_PATH = "/usr/local/sbin/fetch-secret-files";

export const FETCH_SECRET_FILES_SCRIPT = `#!/bin/bash
# usage: fetch-secret-files <secret-arn> <directory> <owner>
# Writes every key of the JSON secret as <directory>/<key>, mode 0600, owned by <owner>.
set -euo pipefail
arn="$1" dir="$2" owner="$3"
umask 077
install -d -m 0750 -o root -g "$owner" "$dir"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for attempt in 1 2 3 4 5 6; do
  if aws secretsmanager get-secret-value --secret-id "$arn" --query SecretString --output text >"$tmp/secret.json"; then
    break
  fi
  [ "$attempt" = 6 ] && { echo "cannot read $arn" >&2; exit 1; }
  sleep $((attempt * 5))
done
python3 - "$tmp/secret.json" "$tmp" <<'PY'
import json, os, re, sys
files = json.load(open(sys.argv[1]))
for name, text in files.items():
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", name):
        sys.exit(f"refusing file name {name!r} in the secret")
    with open(os.path.join(sys.argv[2], name), "w") as f:
        f.write(text)
PY
for f in "$tmp"/*; do
  [ "$(basename "$f")" = secret.json ] && continue
  install -m 0600 -o "$owner" -g "$owner" "$f" "$dir/$(basename "$f")"
done
`;

/** One secret fetched somewhere else than the unit's directory, or for another owner. */
export interface SecretFetch {
  arn: string;
  directory: string;
  owner: string;
}

/**
 * The oneshot unit that runs the fetcher at boot, for an agent that reads its credentials from
 * files (host Telegraf, host Fluent Bit); the agent's own unit Requires and follows it. A plain
 * ARN is fetched into `directory` for root (systemd loads it); a SecretFetch where it says (files
 * the agent's own user reads, such as CA certificates).
 */
export function fetchSecretsUnit(
  name: string,
  description: string,
  secretArns: string | readonly (string | SecretFetch)[],
  directory: string,
): UnitFile {
  return {
    name,
    sections: [
      [
        "Unit",
        [
          ["Description", description],
          ["Wants", "network-online.target"],
          ["After", "network-online.target"],
        ],
      ],
      [
        "Service",
        [
          ["Type", "oneshot"],
          ["RemainAfterExit", true],
          ...[secretArns]
            .flat()
            .map((s) => (typeof s === "string" ? { arn: s, directory, owner: "root" } : s))
            .map(
              (s) => ["ExecStart", `${FETCH_SECRET_FILES_PATH} ${s.arn} ${s.directory} ${s.owner}`] as const,
            ),
        ],
      ],
    ],
  };
}
