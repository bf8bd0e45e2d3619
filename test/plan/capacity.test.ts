// The plan's capacity summary: the k8s-workloads-fit-nodes figures for the stack as planned, in
// --json and in the text report, moving with the stack's requests and honouring the pack config.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { plannedVariant, planStack, ROOT, runPlan, type Plan } from "../helpers/plan";
import type { CapacitySummary } from "../../scripts/lib/capacity";

const capacityOf = (plan: Plan | undefined) => plan?.capacity as CapacitySummary;
const near = (a: number, b: number) => Math.abs(a - b) < 0.011;

describe("plan capacity", () => {
  const prod = capacityOf(planStack("prod"));

  test("names the node groups at their desired size and stays within the policy's limit", () => {
    assert.deepEqual(prod.nodeGroups, [{ name: "switchyard-general", instanceType: "m7i.xlarge", nodes: 4 }]);
    assert.equal(prod.limitPercent, 90);
    for (const k of ["cpu", "memoryGiB", "pods"] as const)
      assert.ok(
        prod.requested[k] > 0 && prod.requested[k] <= prod.allocatable[k] * 0.9,
        JSON.stringify(prod),
      );
  });

  test("a fourth broker adds its requests; a fifth node adds a node's allocatable", () => {
    const broker = capacityOf(
      plannedVariant("prod", (c) => {
        c["switchyard:logging"] = { ...(c["switchyard:logging"] ?? {}), kafka: { brokers: 4 } };
      }),
    );
    // A broker's default requests: 500m and 4Gi.
    assert.ok(near(broker.requested.memoryGiB - prod.requested.memoryGiB, 4), JSON.stringify(broker));
    assert.ok(near(broker.requested.cpu - prod.requested.cpu, 0.5), JSON.stringify(broker));
    assert.equal(broker.requested.pods - prod.requested.pods, 1);
    const node = capacityOf(
      plannedVariant("prod", (c) => {
        c["switchyard:kubernetes"].nodeGroups.general.desiredSize = 5;
      }),
    );
    assert.equal(node.nodeGroups[0].nodes, 5);
    assert.ok(near(node.allocatable.memoryGiB, (prod.allocatable.memoryGiB * 5) / 4), JSON.stringify(node));
    assert.ok(node.requested.memoryGiB > prod.requested.memoryGiB, "DaemonSets and add-ons on the new node");
  });

  test("pack config moves the limit, and the text report shows each share", () => {
    const file = join(mkdtempSync(join(tmpdir(), "switchyard-pack-")), "levels.json");
    writeFileSync(file, JSON.stringify({ "k8s-workloads-fit-nodes": { maxUtilizationPercent: 95 } }));
    assert.equal(capacityOf(runPlan(["--stack", "prod", "--policy-config", file]).plan).limitPercent, 95);
    const text = spawnSync(process.execPath, ["--import", "tsx", "scripts/plan.ts", "--stack", "prod"], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 300_000,
    });
    assert.equal(text.status, 0, text.stderr);
    const share = (n: number, d: number) => `${Math.round((100 * n) / d)}%`;
    assert.match(
      text.stdout,
      /Cluster capacity at the desired size \(switchyard-general: 4 × m7i\.xlarge; requests may use 90%/,
    );
    assert.ok(
      text.stdout.includes(
        `memory   ${prod.requested.memoryGiB.toFixed(1)} GiB of ${prod.allocatable.memoryGiB.toFixed(1)} GiB (${share(prod.requested.memoryGiB, prod.allocatable.memoryGiB)})`,
      ),
      text.stdout.slice(-600),
    );
  });
});
