/** Shell scripts an etcd member runs at boot and on its backup timer. Pure string rendering. */
import type { EtcdIdentity } from "../access";
import { ROOT_USER } from "../access";
import { renderPrepareDataScript } from "../../common/host/dataVolume";
import type { EtcdRelease } from "../releases";
import { ETCD_HOST, TLS_FILES } from "./layout";

/** Download, verify against the pinned sha256, then install etcd, etcdctl and etcdutl. */
export function renderInstallScript(release: EtcdRelease): string {
  return `#!/bin/bash
set -euo pipefail
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
curl --fail --silent --show-error --location --retry 5 --retry-connrefused --proto '=https' \\
  -o "$tmp/etcd.tar.gz" '${release.url}'
echo '${release.sha256}  '"$tmp/etcd.tar.gz" | sha256sum --check --strict -
tar -xzf "$tmp/etcd.tar.gz" -C "$tmp"
install -m 0755 "$tmp/${release.directory}/etcd" "$tmp/${release.directory}/etcdctl" "$tmp/${release.directory}/etcdutl" ${ETCD_HOST.binDir}/
`;
}

/** Mounts the member's own data volume (see common/host/dataVolume.ts). */
export function renderEtcdPrepareDataScript(): string {
  return renderPrepareDataScript({
    label: "etcd-data",
    mountPoint: ETCD_HOST.mountPoint,
    dataDir: ETCD_HOST.dataDir,
    owner: ETCD_HOST.user,
  });
}

export interface BackupTarget {
  bucket: string;
  /** Key prefix, the member's name: each member keeps its own series. */
  prefix: string;
}

/** How a member's own scripts reach its etcd: loopback, as the backup identity (root role). */
export interface LocalClient {
  etcdctl: string;
  endpoint: string;
  caFile: string;
  certFile: string;
  keyFile: string;
}

export const MEMBER_LOCAL_CLIENT: LocalClient = {
  etcdctl: ETCD_HOST.etcdctl,
  endpoint: ETCD_HOST.localClientUrl,
  caFile: `${ETCD_HOST.backupPkiDir}/${TLS_FILES.ca}`,
  certFile: `${ETCD_HOST.backupPkiDir}/${TLS_FILES.cert}`,
  keyFile: `${ETCD_HOST.backupPkiDir}/${TLS_FILES.key}`,
};

function etcdctlFunction(c: LocalClient): string {
  return `ctl() {
  ETCDCTL_API=3 ${c.etcdctl} --endpoints=${c.endpoint} --cacert=${c.caFile} --cert=${c.certFile} --key=${c.keyFile} \\
    --dial-timeout=5s --command-timeout=30s "$@"
}`;
}

/** Takes a consistent snapshot through the local client listener and uploads it. */
export function renderBackupScript(target: BackupTarget, client: LocalClient = MEMBER_LOCAL_CLIENT): string {
  return `#!/bin/bash
set -euo pipefail
umask 077
snapshot="$(mktemp -d)/snapshot.db"
trap 'rm -rf "$(dirname "$snapshot")"' EXIT
${etcdctlFunction(client)}
ctl snapshot save "$snapshot"
aws s3 cp --only-show-errors --sse AES256 "$snapshot" \\
  "s3://${target.bucket}/${target.prefix}/$(date -u +%Y/%m/%d/%H%M%S).db"
`;
}

/**
 * Creates the users and roles of `identities` (root first, with no password: only a CN=root
 * certificate, which the stack never issues, can act as it), then enables authentication. Every
 * member runs it at every boot: each step is idempotent and "already exists" counts as done, so
 * members running it at once, or a member rolled later, converge. Once authentication is on it
 * acts as the backup identity (root role), the only kind of user etcd lets manage users and
 * roles; before that, any certificate of the cluster CA may. Permissions are only ever granted
 * here: narrowing a role is a break-glass procedure (docs/etcd.md).
 */
export function renderAuthBootstrapScript(
  identities: readonly EtcdIdentity[],
  client: LocalClient = MEMBER_LOCAL_CLIENT,
): string {
  const q = (v: string) => {
    if (!/^[A-Za-z0-9_./-]+$/.test(v)) throw new Error(`unsafe etcd name or key: ${JSON.stringify(v)}`);
    return `'${v}'`;
  };
  const steps: string[] = [
    `ensure user add ${q(ROOT_USER)} --no-password`,
    `ensure user grant-role ${q(ROOT_USER)} root`,
  ];
  // Identities with the root role first: once another member enables auth, this script goes on
  // as the backup identity, which must already exist.
  const ordered = [...identities].sort((a, b) => Number(b.role === "root") - Number(a.role === "root"));
  for (const id of ordered) {
    if (id.role !== "root") {
      steps.push(`ensure role add ${q(id.role)}`);
      for (const p of id.permissions) {
        steps.push(`ensure role grant-permission ${q(id.role)} ${p.type} ${q(p.key)} ${q(p.end)}`);
      }
    }
    steps.push(`ensure user add ${q(id.user)} --no-password`);
    steps.push(`ensure user grant-role ${q(id.user)} ${q(id.role)}`);
  }
  return `#!/bin/bash
# usage: etcd-auth-bootstrap   (idempotent; run by etcd-auth.service at every boot)
set -euo pipefail
${etcdctlFunction(client)}
ensure() {
  local out
  if out="$(ctl "$@" 2>&1)"; then return 0; fi
  case "$out" in *"already exists"*) return 0 ;; esac
  echo "etcdctl $*: $out" >&2
  return 1
}
for _ in $(seq 1 150); do
  ctl endpoint health >/dev/null 2>&1 && break
  sleep 2
done
ctl endpoint health >/dev/null
${steps.join("\n")}
ensure auth enable
echo "etcd authentication is on: ${identities.length} identities and root in place"
`;
}
