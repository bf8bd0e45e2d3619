/**
 * Value checks shared by stack configuration and the agent's etcd records.
 * Every check is strict on purpose: these values end up inside haproxy.cfg, cloud-init and
 * Kubernetes names, so anything that could inject a line or a token is refused.
 */

const LABEL = "(?!-)[a-z0-9-]{1,63}(?<!-)";
const HOSTNAME_RE = new RegExp(`^(?=.{1,253}$)${LABEL}(\\.${LABEL})*$`);

/**
 * A lower-case DNS name: labels of a-z, 0-9 and inner hyphens, at most 253 characters. No
 * wildcards: HAProxy routes by exact host (a map lookup), so `*.example.com` could never match.
 */
export function isValidHostname(value: string): boolean {
  return HOSTNAME_RE.test(value);
}

export const COLOURS = ["blue", "green"] as const;
export type Colour = (typeof COLOURS)[number];

export function isColour(value: unknown): value is Colour {
  return value === "blue" || value === "green";
}

export function otherColour(colour: Colour): Colour {
  return colour === "blue" ? "green" : "blue";
}

/** A Kubernetes / resource name: DNS-1123 label. */
export function isDnsLabel(value: string): boolean {
  return /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(value);
}

export function isPort(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 65535;
}

/** An absolute HTTP path without spaces, quotes or control characters (safe in haproxy.cfg). */
export function isHttpPath(value: string): boolean {
  return /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]{0,255}$/.test(value) && !value.includes("'");
}

/** The host that reaches an app's idle colour before promotion, unless the app names one. */
export function defaultPreviewHost(host: string): string {
  return `preview.${host}`;
}
