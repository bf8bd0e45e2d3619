/** Shell scripts an etcd member runs at boot and on its backup timer. Pure string rendering. */
import { renderPrepareDataScript } from "../../common/host/dataVolume";
import type { EtcdRelease } from "../releases";
import { ETCD_CLIENT_PORT } from "../../../model/ports";
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

/** Takes a consistent snapshot through the local client listener and uploads it. */
export function renderBackupScript(target: BackupTarget): string {
  const pki = ETCD_HOST.pkiDir;
  return `#!/bin/bash
set -euo pipefail
umask 077
snapshot="$(mktemp -d)/snapshot.db"
trap 'rm -rf "$(dirname "$snapshot")"' EXIT
${ETCD_HOST.etcdctl} --endpoints=https://127.0.0.1:${ETCD_CLIENT_PORT} \\
  --cacert=${pki}/${TLS_FILES.ca} --cert=${pki}/${TLS_FILES.cert} --key=${pki}/${TLS_FILES.key} \\
  snapshot save "$snapshot"
aws s3 cp --only-show-errors --sse AES256 "$snapshot" \\
  "s3://${target.bucket}/${target.prefix}/$(date -u +%Y/%m/%d/%H%M%S).db"
`;
}
