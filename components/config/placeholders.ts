/**
 * Example values that must never reach a real production account: the AWS documentation's
 * account id, RFC 2606 example domains and ids spelled with EXAMPLE. Pulumi.prod.yaml ships with
 * them (marked PLACEHOLDER) so that it plans offline as is; production refuses them.
 */
import type { ConfigProblem } from "./crossChecks";

export const EXAMPLE_ACCOUNT_ID = "123456789012";
const EXAMPLE_DOMAIN = /(^|[.*/@])example\.(com|net|org)$/;

function placeholderIn(value: string): string | undefined {
  if (value.includes(EXAMPLE_ACCOUNT_ID))
    return `the example AWS account id ${EXAMPLE_ACCOUNT_ID} is left in: expected your own account's id`;
  const host = value.split(/[/:]/)[0]!;
  if (EXAMPLE_DOMAIN.test(value) || EXAMPLE_DOMAIN.test(host))
    return `${JSON.stringify(value)} is an example domain (RFC 2606): expected a name in your own domain`;
  if (/EXAMPLE/.test(value)) return `${JSON.stringify(value)} is an example id: expected your own`;
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
