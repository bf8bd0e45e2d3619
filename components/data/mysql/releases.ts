/**
 * Where each engine's packages come from and which build a host installs. Amazon Linux 2023 ships
 * only an old MariaDB and no MySQL, so both come from their vendors' signed EL9 repositories
 * (AL2023 is EL9-compatible for these packages). Raise a pinned version here, deliberately: a new
 * build reaches a host only when its instance is replaced (docs/databases.md, "Upgrades").
 */
import type { YumRepo } from "../../common/host/packages";
import type { CpuArch } from "../../common/architecture";
import type { MysqlEngine } from "./render/dialect";

export interface MysqlRelease {
  engine: MysqlEngine;
  series: string;
  version: string;
  repo: YumRepo;
  packages: string[];
}

const PINNED: Record<MysqlEngine, Record<string, string>> = {
  mysql: { "8.4": "8.4.8" },
  mariadb: { "11.8": "11.8.3" },
};

const rpmArch = (arch: CpuArch) => (arch === "amd64" ? "x86_64" : "aarch64");

export function mysqlRelease(engine: MysqlEngine, series: string, arch: CpuArch): MysqlRelease {
  const version = PINNED[engine][series];
  if (!version)
    throw new Error(`${engine} ${series} has no pinned version in components/data/mysql/releases.ts`);
  if (engine === "mysql")
    return {
      engine,
      series,
      version,
      repo: {
        id: `mysql-${series}-community`,
        name: `MySQL ${series} LTS Community Server`,
        baseUrl: `https://repo.mysql.com/yum/mysql-${series}-community/el/9/${rpmArch(arch)}/`,
        gpgKeys: ["https://repo.mysql.com/RPM-GPG-KEY-mysql-2023"],
        signedMetadata: false,
      },
      packages: [`mysql-community-server-${version}`, `mysql-community-client-${version}`],
    };
  return {
    engine,
    series,
    version,
    repo: {
      id: `mariadb-${series}`,
      name: `MariaDB ${series} LTS`,
      baseUrl: `https://rpm.mariadb.org/${series}/rhel/9/${rpmArch(arch)}`,
      gpgKeys: ["https://rpm.mariadb.org/RPM-GPG-KEY-MariaDB"],
      signedMetadata: true,
    },
    packages: [`MariaDB-server-${version}`, `MariaDB-client-${version}`],
  };
}
