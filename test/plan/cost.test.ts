import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { estimateCost, INSTANCE_HOURLY } from "../../scripts/lib/cost";
import { planned } from "../helpers/planned";

describe("cost estimate", () => {
  test("an Auto Scaling group costs its desired capacity times its launch template's instance type", () => {
    const lt = planned("aws:ec2/launchTemplate:LaunchTemplate", "fleet-blue", { instanceType: "c7i.large" });
    const live = planned("aws:autoscaling/group:Group", "blue", {
      desiredCapacity: 3,
      launchTemplate: { id: "fleet-blue-id" },
    });
    const idle = planned("aws:autoscaling/group:Group", "green", {
      desiredCapacity: 0,
      launchTemplate: { id: "fleet-blue-id" },
    });
    const cost = estimateCost([lt, live, idle]);
    assert.equal(cost.lines.length, 1, "the idle fleet at zero instances costs nothing");
    assert.equal(cost.lines[0].name, "blue");
    assert.ok(Math.abs(cost.monthlyUsd - INSTANCE_HOURLY["c7i.large"] * 730 * 3) < 0.01);
  });

  test("gp3 volumes cost size plus provisioned IOPS and throughput above the free baseline", () => {
    const base = estimateCost([
      planned("aws:ebs/volume:Volume", "v", { size: 100, iops: 3000, throughput: 125 }),
    ]);
    const tuned = estimateCost([
      planned("aws:ebs/volume:Volume", "v", { size: 100, iops: 6000, throughput: 250 }),
    ]);
    assert.ok(tuned.monthlyUsd > base.monthlyUsd);
    assert.ok(Math.abs(tuned.monthlyUsd - base.monthlyUsd - (3000 * 0.0055 + 125 * 0.044)) < 0.01);
  });

  test("fixed overheads are counted and unknown instance types are reported, not guessed", () => {
    const cost = estimateCost([
      planned("aws:eks/cluster:Cluster", "k8s", {}),
      planned("aws:ec2/natGateway:NatGateway", "nat-a", {}),
      planned("aws:ec2/instance:Instance", "odd", { instanceType: "x9z.huge" }),
    ]);
    assert.deepEqual(cost.unpriced, ["x9z.huge"]);
    assert.deepEqual(cost.lines.map((l) => l.type).slice(0, 2), [
      "aws:eks/cluster:Cluster",
      "aws:ec2/natGateway:NatGateway",
    ]);
  });

  test("interface endpoints cost per AZ they are placed in", () => {
    const one = estimateCost([
      planned("aws:ec2/vpcEndpoint:VpcEndpoint", "ssm", { vpcEndpointType: "Interface", subnetIds: ["a"] }),
    ]);
    const three = estimateCost([
      planned("aws:ec2/vpcEndpoint:VpcEndpoint", "ssm", {
        vpcEndpointType: "Interface",
        subnetIds: ["a", "b", "c"],
      }),
    ]);
    const gateway = estimateCost([
      planned("aws:ec2/vpcEndpoint:VpcEndpoint", "s3", { vpcEndpointType: "Gateway" }),
    ]);
    assert.ok(Math.abs(three.monthlyUsd - 3 * one.monthlyUsd) < 0.02);
    assert.equal(gateway.monthlyUsd, 0);
  });
});
