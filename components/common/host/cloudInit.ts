/**
 * cloud-init user-data documents from data. Only the modules the routing tier uses are typed, so
 * a misspelt key is a compile error here and a schema error in `cloud-init schema` in the tests.
 */
import { stringify } from "yaml";
import { renderUnit, type UnitFile } from "./systemd";

export interface WriteFile {
  path: string;
  content: string;
  permissions: string;
  owner?: string;
  /** Written after users and packages exist (so owner may be a package's user). */
  defer?: boolean;
}

export interface YumRepo {
  name: string;
  baseurl: string;
  enabled: boolean;
  gpgcheck: boolean;
  gpgkey: string;
}

export interface CloudConfig {
  /** Set before anything else runs, so logs and the prompt name the member. */
  hostname?: string;
  /** Vendor repositories (signed), added before packages are installed. */
  yumRepos?: Record<string, YumRepo>;
  packages?: string[];
  packageUpdate?: boolean;
  users?: { name: string; system: true; shell: string; homedir: string; noCreateHome: true }[];
  writeFiles: WriteFile[];
  runcmd: string[][];
}

/** What an add-on (host Telegraf, say) brings to a host's document; see `withParts`. */
export type CloudConfigPart = Pick<CloudConfig, "yumRepos" | "packages" | "writeFiles" | "runcmd">;

/** A host's document with add-ons: their files and packages added, their commands run last. */
export function withParts(base: CloudConfig, ...parts: CloudConfigPart[]): CloudConfig {
  return parts.reduce<CloudConfig>(
    (doc, part) => ({
      ...doc,
      yumRepos: part.yumRepos ? { ...doc.yumRepos, ...part.yumRepos } : doc.yumRepos,
      packages: [...(doc.packages ?? []), ...(part.packages ?? [])],
      writeFiles: [...doc.writeFiles, ...part.writeFiles],
      runcmd: [...doc.runcmd, ...part.runcmd],
    }),
    base,
  );
}

export function unitFile(unit: UnitFile): WriteFile {
  return {
    path: `/etc/systemd/system/${unit.name}`,
    content: renderUnit(unit),
    permissions: "0644",
    owner: "root:root",
  };
}

/** A `#cloud-config` document; cloud-init only treats user-data as such with that first line. */
export function renderCloudConfig(c: CloudConfig): string {
  const doc: Record<string, unknown> = {};
  if (c.hostname) {
    doc.hostname = c.hostname;
    doc.preserve_hostname = false;
  }
  if (c.yumRepos && Object.keys(c.yumRepos).length > 0) doc.yum_repos = c.yumRepos;
  if (c.packageUpdate !== undefined) doc.package_update = c.packageUpdate;
  if (c.packages?.length) doc.packages = c.packages;
  if (c.users?.length) {
    doc.users = [
      "default",
      ...c.users.map((u) => ({
        name: u.name,
        system: u.system,
        shell: u.shell,
        homedir: u.homedir,
        no_create_home: u.noCreateHome,
      })),
    ];
  }
  doc.write_files = c.writeFiles.map((f) => ({
    path: f.path,
    content: f.content,
    permissions: f.permissions,
    ...(f.owner ? { owner: f.owner } : {}),
    ...(f.defer ? { defer: true } : {}),
  }));
  doc.runcmd = c.runcmd;
  return `#cloud-config\n${stringify(doc, { lineWidth: 0 })}`;
}

/**
 * An extra agent a host runs besides its service (metrics, log shipping): its packages, files,
 * units and the units to enable. Components take a list of them from the caller and append them
 * with withHostAgents, so adding an agent never edits a host's own renderer.
 */
export interface HostAgent {
  name: string;
  /** Its vendor's signed repository, added before packages are installed. */
  yumRepos?: Record<string, YumRepo>;
  packages?: string[];
  writeFiles: WriteFile[];
  units: UnitFile[];
  /** Commands run after the host's own service is enabled (installing the agent, for example). */
  runcmd?: string[][];
  /** Units to `systemctl enable --now` once everything is written. */
  enable: string[];
}

export function withHostAgents(c: CloudConfig, agents: readonly HostAgent[]): CloudConfig {
  if (agents.length === 0) return c;
  const names = agents.map((a) => a.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new Error(`host agent ${dup} is given twice`);
  const enable = agents.flatMap((a) => a.enable);
  const repos = agents.reduce<Record<string, YumRepo> | undefined>(
    (all, a) => (a.yumRepos ? { ...all, ...a.yumRepos } : all),
    c.yumRepos,
  );
  return {
    ...c,
    yumRepos: repos,
    packages: [...(c.packages ?? []), ...agents.flatMap((a) => a.packages ?? [])],
    writeFiles: [...c.writeFiles, ...agents.flatMap((a) => [...a.writeFiles, ...a.units.map(unitFile)])],
    runcmd: [
      ...c.runcmd,
      ...agents.flatMap((a) => a.runcmd ?? []),
      ...(enable.length
        ? [
            ["systemctl", "daemon-reload"],
            ["systemctl", "enable", "--now", ...enable],
          ]
        : []),
    ],
  };
}
