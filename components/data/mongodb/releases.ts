/**
 * MongoDB packages from MongoDB's signed repository for Amazon Linux 2023, pinned per series.
 * Raise a pinned version here, deliberately: a new build reaches a host only when its instance is
 * replaced (docs/databases.md, "Upgrades").
 */
import type { CpuArch } from "../../common/architecture";
import type { YumRepo } from "../../common/host/packages";

const PINNED: Record<string, string> = { "7.0": "7.0.24", "8.0": "8.0.15" };
const MONGOSH = "2.5.8";

export interface MongoRelease {
  series: string;
  version: string;
  repo: YumRepo;
  packages: string[];
}

export function mongoRelease(series: string, arch: CpuArch): MongoRelease {
  const version = PINNED[series];
  if (!version)
    throw new Error(`MongoDB ${series} has no pinned version in components/data/mongodb/releases.ts`);
  return {
    series,
    version,
    repo: {
      id: `mongodb-org-${series}`,
      name: `MongoDB ${series}`,
      baseUrl: `https://repo.mongodb.org/yum/amazon/2023/mongodb-org/${series}/${arch === "amd64" ? "x86_64" : "aarch64"}/`,
      gpgKeys: [`https://pgp.mongodb.com/server-${series}.asc`],
      signedMetadata: false,
    },
    packages: [`mongodb-org-server-${version}`, `mongodb-mongosh-shared-openssl3-${MONGOSH}`],
  };
}
