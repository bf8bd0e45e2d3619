/**
 * Vendor package repositories for dnf, as data. Every repository is signed: gpgcheck on, its key
 * fetched over HTTPS from the vendor, and packages installed at pinned versions only, so a host
 * never runs an unsigned or unexpected build.
 */
export interface YumRepo {
  id: string;
  name: string;
  baseUrl: string;
  gpgKeys: string[];
  /** The vendor also signs the repository metadata. */
  signedMetadata: boolean;
}

export function renderYumRepo(r: YumRepo): string {
  for (const url of [r.baseUrl, ...r.gpgKeys])
    if (!url.startsWith("https://")) throw new Error(`repository ${r.id}: ${url} is not HTTPS`);
  return [
    `[${r.id}]`,
    `name=${r.name}`,
    `baseurl=${r.baseUrl}`,
    "enabled=1",
    "gpgcheck=1",
    `repo_gpgcheck=${r.signedMetadata ? 1 : 0}`,
    `gpgkey=${r.gpgKeys.join(" ")}`,
    "",
  ].join("\n");
}

export function repoFilePath(r: YumRepo): string {
  return `/etc/yum.repos.d/${r.id}.repo`;
}

/** Installs exactly the pinned packages from the configured repositories; weak dependencies off. */
export function renderInstallScript(packages: readonly string[], after: readonly string[] = []): string {
  for (const p of packages)
    if (!/^[A-Za-z0-9._+-]+-\d[A-Za-z0-9._+-]*$/.test(p))
      throw new Error(`package ${p} is not pinned to a version`);
  return `#!/bin/bash
set -euo pipefail
for attempt in 1 2 3 4 5; do
  dnf install -y --setopt=install_weak_deps=False ${packages.join(" ")} && break
  [ "$attempt" = 5 ] && exit 1
  sleep $((attempt * 10))
done
${after.join("\n")}${after.length ? "\n" : ""}`;
}
