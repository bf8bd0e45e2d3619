/**
 * Graylog's root password reaches the server only as root_password_sha2. The digest is a pure
 * function of the generated password (SHA-256, unsalted, as Graylog compares it), so the same
 * state renders the same value on every update. A salted or freshly generated value (bcrypt, a
 * chart's `randAlphaNum`) would differ on each render and lock the admin out (docs/logging.md).
 */
import { createHash } from "node:crypto";

export function rootPasswordSha2(password: string): string {
  return createHash("sha256").update(password, "utf8").digest("hex");
}
