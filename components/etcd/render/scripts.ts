/** Shell scripts an etcd member runs at boot and on its backup timer. Pure string rendering. */
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

/**
 * Waits for the member's own EBS volume (attached after launch, so it can appear late), creates
 * a file system only when the volume has none, and mounts it. Finding the device by the volume id
 * rather than a device name is what makes this safe on Nitro, where names are not stable.
 */
export function renderPrepareDataScript(): string {
  return `#!/bin/bash
# usage: etcd-prepare-data <volume-id>
set -euo pipefail
volume="$1"
device="/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_\${volume//-/}"
for _ in $(seq 1 120); do
  [ -e "$device" ] && break
  sleep 5
done
[ -e "$device" ] || { echo "volume $volume never appeared at $device" >&2; exit 1; }
if ! blkid "$device" >/dev/null 2>&1; then
  mkfs.xfs -L etcd-data "$device"
fi
mkdir -p ${ETCD_HOST.mountPoint}
mountpoint -q ${ETCD_HOST.mountPoint} || mount -o noatime "$device" ${ETCD_HOST.mountPoint}
install -d -m 0700 -o ${ETCD_HOST.user} -g ${ETCD_HOST.user} ${ETCD_HOST.dataDir}
`;
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
