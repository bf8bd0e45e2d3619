/**
 * Example values that must never reach a real production account: the AWS documentation's
 * account id, RFC 2606 example domains, ids spelled with EXAMPLE and EC2 ids that count 0-9a-f. Pulumi.prod.yaml ships with
 * them (marked PLACEHOLDER) so that it plans offline as is; production refuses them.
 */
import type { ConfigProblem } from "./crossChecks";

export const EXAMPLE_ACCOUNT_ID = "123456789012";
// EC2 ids must be lower-case hex, so the examples are the documentation's counting ids.
const EXAMPLE_EC2_ID = /^[a-z]+-(0123456789abcdef0|1234567890abcdef0)$/;
const EXAMPLE_DOMAIN = /(^|[.*/@])example\.(com|net|org)$/;

function placeholderIn(value: string): string | undefined {
  if (value.includes(EXAMPLE_ACCOUNT_ID))
    return `the example AWS account id ${EXAMPLE_ACCOUNT_ID} is left in: expected your own account's id`;
  const host = value.split(/[/:]/)[0]!;
  if (EXAMPLE_DOMAIN.test(value) || EXAMPLE_DOMAIN.test(host))
    return `${JSON.stringify(value)} is an example domain (RFC 2606): expected a name in your own domain`;
  if (/EXAMPLE/.test(value) || EXAMPLE_EC2_ID.test(value))
    return `${JSON.stringify(value)} is an example id: expected your own`;
  return undefined;
}

function walk(value: unknown, path: string, out: ConfigProblem[]): void {
  if (typeof value === "string") {
    const message = placeholderIn(value);
    if (message) out.push({ path, message });
  } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}.${i}`, out));
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`, out);
}

/** Every placeholder in a raw stack configuration (values as Pulumi hands them over), by key path. */
export function findPlaceholders(raw: Record<string, string>): ConfigProblem[] {
  const found: ConfigProblem[] = [];
  for (const [key, text] of Object.entries(raw)) {
    let value: unknown = text;
    try {
      value = JSON.parse(text);
    } catch {
      // a plain string
    }
    walk(value, key, found);
  }
  return found;
}
