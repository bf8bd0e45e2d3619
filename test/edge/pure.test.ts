/** The edge's decisions, as pure functions: fleet sizing, the swap gate; the agent bundle it ships. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { buildAgentBundle } from "../../components/edge/bundle";
import { fleetSizes } from "../../components/edge/sizing";
import type { SwapGateInputs } from "../../components/edge/swapGate";
import { judgeTargetHealth, swapGateProvider } from "../../components/edge/swapGateProvider";
import { tempDir } from "../helpers/host";
import { ROOT } from "../helpers/plan";

describe("edge fleets and the swap gate", () => {
  const live = { minSize: 3, desiredCapacity: 3, maxSize: 9 };

  test("the live colour gets the live size; the other idles at idleFleetSize", () => {
    assert.deepEqual(fleetSizes({ liveFleet: "blue", live, idleFleetSize: 0 }), {
      blue: live,
      green: { minSize: 0, desiredCapacity: 0, maxSize: 9 },
    });
    const swapped = fleetSizes({ liveFleet: "green", live, idleFleetSize: 3 });
    assert.deepEqual(swapped.green, live);
    assert.deepEqual(swapped.blue, { minSize: 3, desiredCapacity: 3, maxSize: 9 });
  });

  test("the gate passes with enough healthy targets and names what it saw when it refuses", () => {
    assert.equal(judgeTargetHealth(["healthy", "healthy", "healthy"], 3).ok, true);
    const refused = judgeTargetHealth(["healthy", "initial", "unhealthy"], 3);
    assert.equal(refused.ok, false);
    assert.match(refused.reason, /1 healthy targets, need 3 \(1 healthy, 1 initial, 1 unhealthy\)/);
    assert.match(judgeTargetHealth([], 1).reason, /no targets registered/);
  });

  test("the gate only runs when the live target group changes; a new stack passes", async () => {
    const blue: SwapGateInputs = {
      colour: "blue",
      targetGroupArn: "arn:tg/blue",
      minHealthy: 3,
      timeoutSeconds: 60,
      region: "eu-west-1",
    };
    const green: SwapGateInputs = { ...blue, colour: "green", targetGroupArn: "arn:tg/green" };
    assert.equal((await swapGateProvider.diff!("id", blue, { ...blue }))?.changes, false);
    assert.equal((await swapGateProvider.diff!("id", blue, green))?.changes, true);
    assert.deepEqual((await swapGateProvider.create(blue)).outs, blue);
  });
});

describe("agent bundle", () => {
  test("is one self-contained file that runs under plain node, with a content-addressed key", () => {
    const bundle = buildAgentBundle(ROOT);
    assert.equal(bundle.key, `agent/switchyard-agent-${bundle.sha256.slice(0, 16)}.js`);
    const file = join(tempDir("bundle"), "switchyard-agent.js");
    writeFileSync(file, bundle.content);
    // Run from a directory with no node_modules: everything must be inside the bundle.
    const r = spawnSync(process.execPath, [file, "--help"], {
      cwd: tempDir("bundle-cwd"),
      encoding: "utf8",
      timeout: 30_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Usage: switchyard-agent/);
  });
});
