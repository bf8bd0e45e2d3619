/**
 * The boot script that gives a host its own EBS data volume. Pure string rendering, shared by
 * every stateful host (etcd, MySQL, MongoDB).
 *
 * The volume is attached after launch, so it can appear late: the script waits for it, finds it
 * by its volume id under /dev/disk/by-id (device names such as /dev/sdf are not stable on
 * Nitro), creates an XFS file system only when the volume has none (a replaced instance finds
 * its predecessor's data and keeps it), and mounts it with noatime.
 */
export interface DataVolumeLayout {
  /** File-system label for a new volume (12 characters at most, XFS's limit). */
  label: string;
  mountPoint: string;
  /** The service's data directory one level below the mount point (no lost+found in it). */
  dataDir: string;
  /** Owner of the data directory. */
  owner: string;
  /** Read-ahead in 512-byte sectors, set at every boot (MongoDB wants 8-32); kernel default when absent. */
  readaheadSectors?: number;
}

export function renderPrepareDataScript(v: DataVolumeLayout): string {
  if (v.label.length > 12) throw new Error(`XFS labels have at most 12 characters: ${v.label}`);
  const readahead =
    v.readaheadSectors === undefined ? "" : `blockdev --setra ${v.readaheadSectors} "$device"\n`;
  return `#!/bin/bash
# usage: prepare-data <volume-id>
set -euo pipefail
volume="$1"
device="/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_\${volume//-/}"
for _ in $(seq 1 120); do
  [ -e "$device" ] && break
  sleep 5
done
[ -e "$device" ] || { echo "volume $volume never appeared at $device" >&2; exit 1; }
if ! blkid "$device" >/dev/null 2>&1; then
  mkfs.xfs -L ${v.label} "$device"
fi
${readahead}mkdir -p ${v.mountPoint}
mountpoint -q ${v.mountPoint} || mount -o noatime "$device" ${v.mountPoint}
install -d -m 0700 -o ${v.owner} -g ${v.owner} ${v.dataDir}
`;
}
