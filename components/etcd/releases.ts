/**
 * etcd releases the hosts may install. Each tarball's sha256 is pinned here and checked on the
 * host before anything is unpacked, so a tampered or truncated download never runs. Add a row
 * (both architectures, from the release's SHA256SUMS) before raising `etcd.version`.
 */

import type { CpuArch } from "../common/architecture";
export const ETCD_RELEASES: Record<string, Record<CpuArch, string>> = {
  "3.5.21": {
    amd64: "adddda4b06718e68671ffabff2f8cee48488ba61ad82900e639d108f2148501c",
    arm64: "95bf6918623a097c0385b96f139d90248614485e781ec9bee4768dbb6c79c53f",
  },
};

export const ETCD_DOWNLOAD_BASE = "https://github.com/etcd-io/etcd/releases/download";

export interface EtcdRelease {
  version: string;
  arch: CpuArch;
  url: string;
  sha256: string;
  /** Top-level directory inside the tarball. */
  directory: string;
}

export function etcdRelease(version: string, arch: CpuArch): EtcdRelease {
  const sha256 = ETCD_RELEASES[version]?.[arch];
  if (!sha256) throw new Error(`etcd ${version} for ${arch} has no pinned checksum in ETCD_RELEASES`);
  const directory = `etcd-v${version}-linux-${arch}`;
  return { version, arch, sha256, directory, url: `${ETCD_DOWNLOAD_BASE}/v${version}/${directory}.tar.gz` };
}
