/**
 * systemd unit files from data. A unit is a list of sections, each a list of key/value pairs in
 * order (keys repeat: several ExecStartPre=, After=), rendered as the INI dialect systemd reads.
 * Values with a newline are refused: systemd would read the rest as a new directive.
 */
export type UnitEntry = readonly [key: string, value: string | number | boolean];
export type UnitSection = readonly [name: string, entries: readonly UnitEntry[]];

export interface UnitFile {
  /** File name including the suffix: etcd.service, etcd-backup.timer. */
  name: string;
  sections: readonly UnitSection[];
}

function formatValue(value: string | number | boolean): string {
  const text = typeof value === "boolean" ? (value ? "yes" : "no") : String(value);
  if (/[\r\n]/.test(text)) throw new Error(`systemd value contains a line break: ${JSON.stringify(text)}`);
  return text;
}

export function renderUnit(unit: UnitFile): string {
  return (
    unit.sections
      .map(([name, entries]) =>
        [`[${name}]`, ...entries.map(([k, v]) => `${k}=${formatValue(v)}`)].join("\n"),
      )
      .join("\n\n") + "\n"
  );
}

/**
 * Sandboxing shared by every long-running service on the routing tier's hosts: no new
 * privileges, read-only OS, private /tmp, no kernel tuning. Writable paths are granted per unit.
 */
export function hardening(writablePaths: readonly string[]): UnitEntry[] {
  return [
    ["NoNewPrivileges", true],
    ["ProtectSystem", "strict"],
    ["ProtectHome", true],
    ["PrivateTmp", true],
    ["PrivateDevices", true],
    ["ProtectKernelTunables", true],
    ["ProtectKernelModules", true],
    ["ProtectControlGroups", true],
    ["RestrictSUIDSGID", true],
    ["LockPersonality", true],
    ...(writablePaths.length > 0 ? [["ReadWritePaths", writablePaths.join(" ")] as const] : []),
  ];
}
