/**
 * Real host tools for the tests of rendered host files: cloud-init's schema check, systemd-analyze verify,
 * bash's parser, free loopback ports. Everything works in mkdtemp directories.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parse } from "yaml";
import { freePort, tempDir as testbedTempDir } from "../../hosts/testbed/procs";

export interface ToolResult {
  status: number;
  output: string;
}

function run(cmd: string, args: string[], input?: string): ToolResult {
  const r = spawnSync(cmd, args, { encoding: "utf8", input, timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

export function tempDir(prefix: string): string {
  return testbedTempDir(`switchyard-${prefix}`);
}

export function cloudInitSchema(document: string): ToolResult {
  const file = join(tempDir("cloud-init"), "user-data");
  writeFileSync(file, document);
  return run("cloud-init", ["schema", "--config-file", file]);
}

export function bashSyntax(script: string): ToolResult {
  return run("bash", ["-n"], script);
}

/** The write_files entries of a #cloud-config document, by path. */
export function writtenFiles(document: string): Map<string, { content: string; permissions: string }> {
  const doc = parse(document) as { write_files: { path: string; content: string; permissions: string }[] };
  return new Map(doc.write_files.map((f) => [f.path, f]));
}

const EXEC_KEYS = /^(ExecStart|ExecStartPre|ExecStartPost|ExecStop|ExecStopPost|ExecReload)=(.*)$/;

/** Absolute program paths a unit runs (systemd's -@:+! prefixes stripped). */
export function executablesOf(unit: string): string[] {
  return unit
    .split("\n")
    .map((line) => EXEC_KEYS.exec(line)?.[2])
    .filter((cmd): cmd is string => cmd !== undefined)
    .map((cmd) => cmd.replace(/^[-@:+!]+/, "").split(/\s+/)[0]);
}

/**
 * `systemd-analyze verify` of the exact rendered units. The programs they run are installed at
 * boot on the real hosts (etcd from its release tarball, the boot scripts by cloud-init), so the
 * ones this machine lacks are supplied as stub executables through a read-only overlay in a
 * private mount namespace: the host's file system is never touched, and every other check
 * (syntax, unknown directives, dependencies on units that do not exist) is systemd's own.
 */
export function verifyUnits(units: { name: string; content: string }[]): ToolResult {
  const dir = tempDir("units");
  for (const u of units) writeFileSync(join(dir, u.name), u.content);
  const missing = [...new Set(units.flatMap((u) => executablesOf(u.content)))].filter((p) => !existsSync(p));
  const stubRoot = tempDir("stubs");
  const overlays = new Map<string, string>();
  for (const program of missing) {
    const target = dirname(program);
    if (!existsSync(target))
      throw new Error(`cannot stub ${program}: ${target} does not exist on this machine`);
    const stubDir = overlays.get(target) ?? join(stubRoot, String(overlays.size));
    overlays.set(target, stubDir);
    mkdirSync(stubDir, { recursive: true });
    writeFileSync(join(stubDir, program.slice(target.length + 1)), "#!/bin/sh\nexit 0\n");
    chmodSync(join(stubDir, program.slice(target.length + 1)), 0o755);
  }
  const mounts = [...overlays].map(
    ([target, stubs]) => `mount -t overlay overlay -o lowerdir=${stubs}:${target} ${target}`,
  );
  const files = units.map((u) => join(dir, u.name)).join(" ");
  const script = [...mounts, `exec systemd-analyze verify ${files}`].join(" && ");
  return run("unshare", ["--mount", "--propagation", "private", "sh", "-c", script]);
}

export { freePort };
