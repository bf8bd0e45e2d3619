/**
 * Finds key material and passwords in EC2 user-data. `@pulumi/aws` v7 keeps user-data in plain
 * text in state and anyone with ec2:DescribeInstanceAttribute can read it, so hosts must fetch
 * secrets at boot instead (Secrets Manager / SSM with their instance role).
 */
import { gunzipSync } from "node:zlib";

/** Text a Pulumi secret becomes once redacted (the offline plan's placeholder). */
export const SECRET_PLACEHOLDER = "[secret]";

/** Launch templates take base64; cloud-init also accepts gzip inside it. */
export function decodeBase64UserData(encoded: string): string {
  const bytes = Buffer.from(encoded, "base64");
  // Not base64 at all (the round trip changes it): scan the text as given.
  if (bytes.toString("base64").replace(/=+$/, "") !== encoded.replace(/\s/g, "").replace(/=+$/, ""))
    return encoded;
  const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
  return (gzipped ? gunzipSync(bytes) : bytes).toString("utf8");
}

const KEY_MATERIAL: [RegExp, string][] = [
  [/-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/, "a private key"],
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, "an AWS access key id"],
  [/aws_secret_access_key\s*[=:]/i, "an AWS secret access key"],
];

/**
 * `password: x`, `MYSQL_ROOT_PASSWORD=x`, `--api-key=x`: a secret-named key given a literal value.
 * The value is on the key's line: `password:` ending a line (a YAML map follows) assigns nothing.
 */
const ASSIGNMENT =
  /([A-Za-z0-9_.-]*(?:password|passwd|passphrase|secret[_-]?key|api[_-]?key|auth[_-]?token|private[_-]?key)[A-Za-z0-9_.-]*)["']?\s*[=:][ \t]*["']?([^\s"',;}]*)/gi;

/** Values that point at a secret rather than being one: variables, command output, files, ARNs, flags. */
function isReference(value: string): boolean {
  return (
    value === "" ||
    /^(?:\$|\{\{|<|\/|arn:|ssm:|resolve:)/.test(value) ||
    /^(?:true|false|yes|no|null|none|on|off)$/i.test(value)
  );
}

/** What kinds of secret the text contains; empty when it is clean. */
export function secretsIn(userData: string): string[] {
  if (userData.includes(SECRET_PLACEHOLDER))
    return ["a Pulumi secret (stored in plain text in state as user-data)"];
  const found = KEY_MATERIAL.filter(([pattern]) => pattern.test(userData)).map(([, what]) => what);
  for (const match of userData.matchAll(ASSIGNMENT)) {
    if (!isReference(match[2])) found.push(`a literal value for "${match[1]}"`);
  }
  return [...new Set(found)];
}
