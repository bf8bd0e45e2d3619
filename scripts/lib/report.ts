/** Human-readable rendering of an evaluation: a resource tree like `pulumi preview`, and counts. */
import type { CostDelta, CostEstimate } from "./cost";
import type { Evaluation, PlannedResource } from "./evaluate";

export interface Summary {
  total: number;
  byType: Record<string, number>;
}

export function summarize(resources: PlannedResource[]): Summary {
  const byType: Record<string, number> = {};
  for (const r of resources) byType[r.type] = (byType[r.type] ?? 0) + 1;
  return { total: resources.length, byType: Object.fromEntries(Object.entries(byType).sort()) };
}

export function renderTree(evaluation: Evaluation): string {
  const children = new Map<string | undefined, PlannedResource[]>();
  for (const r of evaluation.resources) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
  const lines = [
    `Previewing stack ${evaluation.stack} (offline, mocked AWS)`,
    "",
    `     ${"Type".padEnd(52)} Name`,
  ];
  const walk = (parent: string | undefined, depth: number) => {
    for (const r of children.get(parent) ?? []) {
      lines.push(` +   ${"  ".repeat(depth)}${r.type.padEnd(Math.max(0, 52 - 2 * depth))} ${r.name}`);
      walk(r.urn, depth + 1);
    }
  };
  walk(undefined, 0);
  const summary = summarize(evaluation.resources);
  lines.push("", "Outputs:");
  for (const [k, v] of Object.entries(evaluation.outputs)) lines.push(`    ${k}: ${JSON.stringify(v)}`);
  lines.push("", `Resources: + ${summary.total} to create`);
  for (const [type, n] of Object.entries(summary.byType)) lines.push(`    ${String(n).padStart(4)}  ${type}`);
  return lines.join("\n");
}

const usd = (v: number) => `$${v.toFixed(2)}`;
const signed = (v: number) => `${v >= 0 ? "+" : "-"}$${Math.abs(v).toFixed(2)}`;

export function renderCost(cost: CostEstimate): string {
  const lines = [
    `Estimated monthly cost (${cost.region}, on-demand list prices` +
      (cost.priceDate ? ` of ${cost.priceDate}` : ", no price table") +
      `): ${usd(cost.monthlyUsd)}`,
    "  by component:",
    ...Object.entries(cost.byComponent).map(([c, v]) => `    ${usd(v).padStart(10)}  ${c}`),
    "  by line:",
    ...Object.entries(cost.byLine).map(([l, v]) => `    ${usd(v).padStart(10)}  ${l}`),
  ];
  if (cost.unpriced.length > 0) {
    lines.push(`  not priced (left out of the total):`);
    for (const u of cost.unpriced) lines.push(`    ${u.component}/${u.name} (${u.type}): ${u.reason}`);
  }
  if (cost.excluded.length > 0) lines.push(`  excluded (usage-based): ${cost.excluded.join("; ")}`);
  return lines.join("\n");
}

export function renderCostDelta(delta: CostDelta): string {
  const lines = [`Monthly cost change: ${signed(delta.monthlyUsd)}`];
  for (const [c, v] of Object.entries(delta.byComponent)) lines.push(`    ${signed(v).padStart(10)}  ${c}`);
  return lines.join("\n");
}
