/** Human-readable rendering of an evaluation: a resource tree like `pulumi preview`, and counts. */
import { costByType, type CostEstimate } from "./cost";
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

export function renderCost(cost: CostEstimate): string {
  const lines = [
    `Estimated monthly cost (on-demand list prices, approximate): $${cost.monthlyUsd.toFixed(2)}`,
  ];
  for (const [type, usd] of costByType(cost))
    lines.push(`    ${("$" + usd.toFixed(2)).padStart(10)}  ${type}`);
  if (cost.unpriced.length > 0)
    lines.push(`    not priced (instance types missing from the table): ${cost.unpriced.join(", ")}`);
  return lines.join("\n");
}
