/** `pulumi preview --diff`-style text for a classified plan diff; blocked changes first. */
import type { PlanDiff } from "./classify";

const nameOf = (urn: string) => {
  const [type, name] = urn.split("::").slice(-2);
  return `${type.split("$").pop()} ${name}`;
};

export function renderDiff(diff: PlanDiff, baseLabel: string): string {
  const lines = [`Changes against ${baseLabel} (offline, mocked AWS):`, ""];
  if (diff.blockedDetail.length > 0) {
    lines.push("BLOCKED: these change protected or stateful resources and the stack file does not allow it");
    lines.push("(name them in switchyard:review.allowDestroy to proceed, see docs/releases.md):");
    for (const b of diff.blockedDetail) lines.push(` !! ${b.action.padEnd(8)} ${nameOf(b.urn)}: ${b.reason}`);
    lines.push("");
  }
  const keysOf = new Map(diff.replaceKeys.map((r) => [r.urn, r.keys]));
  for (const urn of diff.replace)
    lines.push(` +-  replace  ${nameOf(urn)}  [${keysOf.get(urn)!.join(", ")}]`);
  for (const urn of diff.delete) lines.push(` -   delete   ${nameOf(urn)}`);
  for (const urn of diff.create) lines.push(` +   create   ${nameOf(urn)}`);
  const unmodelled = new Set(diff.unmodelled);
  for (const u of diff.update)
    lines.push(
      ` ~   update   ${nameOf(u.urn)}  [${u.keys.join(", ")}]` +
        (unmodelled.has(u.urn) ? "  (replacement rules unknown for this type)" : ""),
    );
  for (const u of diff.ignored)
    lines.push(
      ` =   ignored  ${nameOf(u.urn)}  [${u.keys.join(", ")}]  (ignoreChanges: applies when the resource is rolled)`,
    );
  const total = diff.create.length + diff.update.length + diff.replace.length + diff.delete.length;
  if (total === 0 && diff.ignored.length === 0) lines.push("    no changes");
  lines.push(
    "",
    `Resources: + ${diff.create.length} to create, ~ ${diff.update.length} to update, ` +
      `+- ${diff.replace.length} to replace, - ${diff.delete.length} to delete, ${diff.blocked.length} blocked`,
  );
  return lines.join("\n");
}
