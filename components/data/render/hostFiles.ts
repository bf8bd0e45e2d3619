/**
 * The files every database host (MySQL/MariaDB, MongoDB) starts from, in this order: the vendor's
 * signed package repository, the secret-file fetcher, the install script and the data-volume
 * preparation. The vendor's own server units are masked at install: ours run the server, reading
 * only our configuration, from the data volume.
 */
import type { WriteFile } from "../../common/host/cloudInit";
import { renderPrepareDataScript, type DataVolumeLayout } from "../../common/host/dataVolume";
import { renderInstallScript, renderYumRepo, repoFilePath, type YumRepo } from "../../common/host/packages";
import { FETCH_SECRET_FILES_PATH, FETCH_SECRET_FILES_SCRIPT } from "../../common/host/secretFiles";

/** A root-owned file; scripts are 0755. */
export const rootFile = (path: string, content: string, permissions = "0644"): WriteFile => ({
  path,
  content,
  permissions,
  owner: "root:root",
});

export interface DatabaseHostFilesInput {
  release: { repo: YumRepo; packages: readonly string[] };
  /** The vendor units that must never start (`mysqld.service`, `mongod.service`, ...). */
  vendorUnits: readonly string[];
  installScript: string;
  prepareDataScript: string;
  dataVolume: DataVolumeLayout;
}

export function databaseHostFiles(h: DatabaseHostFilesInput): WriteFile[] {
  return [
    rootFile(repoFilePath(h.release.repo), renderYumRepo(h.release.repo)),
    rootFile(FETCH_SECRET_FILES_PATH, FETCH_SECRET_FILES_SCRIPT, "0755"),
    rootFile(
      h.installScript,
      renderInstallScript(h.release.packages, [`systemctl mask ${h.vendorUnits.join(" ")}`]),
      "0755",
    ),
    rootFile(h.prepareDataScript, renderPrepareDataScript(h.dataVolume), "0755"),
  ];
}
