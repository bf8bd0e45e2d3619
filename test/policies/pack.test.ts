import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { PACK_NAME, policies } from "../../policies/rules";
import { policyResources } from "../../scripts/lib/policyArgs";
import {
  evaluatePolicies,
  policyExitCode,
  renderPolicyReport,
  type PolicyReport,
} from "../../scripts/lib/policies";
import { ROOT, byName } from "../helpers/plan";
import { dependingOn, idOf, planEvenIfViolating, planned } from "./support/helpers";

describe("policy pack", () => {
  it("has at least 14 uniquely named, described policies with a level and one kind of validation", () => {
    assert.ok(policies.length >= 14, `${policies.length} policies`);
    assert.equal(new Set(policies.map((p) => p.name)).size, policies.length);
    for (const p of policies) {
      assert.match(p.name, /^[a-z0-9]+(-[a-z0-9]+)+$/, p.name);
      assert.ok(p.description.length > 20, p.name);
      assert.ok(p.enforcementLevel, p.name);
      assert.equal("validateResource" in p, !("validateStack" in p), p.name);
      // The engine refuses a schema that declares enforcementLevel itself.
      assert.ok(!p.configSchema?.properties.enforcementLevel, p.name);
    }
  });

  it("is a CrossGuard pack with its own dependencies", () => {
    const manifest = readFileSync(join(ROOT, "policies/PulumiPolicy.yaml"), "utf8");
    assert.match(manifest, /^runtime: nodejs$/m);
    const pkg = JSON.parse(readFileSync(join(ROOT, "policies/package.json"), "utf8")) as {
      version: string;
      dependencies: Record<string, string>;
    };
    assert.ok(pkg.version, "the policy SDK refuses a pack without a version");
    assert.ok(pkg.dependencies["@pulumi/policy"] && pkg.dependencies["@pulumi/pulumi"]);
  });
});

for (const stack of ["prod", "staging"]) {
  describe(`npm run plan -- --stack ${stack}`, () => {
    it("evaluates the whole pack and finds no mandatory violation", () => {
      const report = planEvenIfViolating(stack).policies as PolicyReport;
      assert.equal(report.pack, PACK_NAME);
      assert.deepEqual(
        report.evaluated,
        policies.map((p) => p.name),
      );
      assert.ok(report.evaluated.length >= 12);
      assert.deepEqual(
        report.violations.filter((v) => v.level === "mandatory"),
        [],
        renderPolicyReport(report),
      );
    });
  });
}

describe("a deliberately broken resource in prod's plan", () => {
  const prod = planEvenIfViolating("prod");
  const subnet = byName(prod, "aws:ec2/subnet:Subnet", "switchyard-public-eu-west-1a");
  const haproxy = byName(prod, "aws:ec2/securityGroup:SecurityGroup", "switchyard-haproxy");
  // A debugging host someone "temporarily" put in a public subnet, reachable by SSH from anywhere.
  const bastion = dependingOn(
    planned("aws:ec2/instance:Instance", "bastion", { subnetId: idOf(subnet), instanceType: "t3.micro" }),
    subnet,
  );
  const ssh = dependingOn(
    planned("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "bastion-ssh", {
      securityGroupId: idOf(haproxy),
      ipProtocol: "tcp",
      fromPort: 22,
      toPort: 22,
      cidrIpv4: "0.0.0.0/0",
    }),
    haproxy,
  );
  const broken = [
    ...prod.resources,
    // The stack's tagged aws provider, as every AWS resource in the plan uses.
    { ...bastion, provider: prod.resources.find((r) => r.type.startsWith("aws:") && r.provider)!.provider },
    ssh,
  ];

  it("makes the plan's policy evaluation fail with exit status 2", async () => {
    const report = await evaluatePolicies(broken);
    const injected = report.violations.filter((v) => v.urn === bastion.urn || v.urn === ssh.urn);
    const violated = new Set(injected.filter((v) => v.level === "mandatory").map((v) => v.policy));
    assert.deepEqual([...violated].sort(), [
      "ebs-encrypted",
      "ec2-imdsv2-required",
      "public-subnets-edge-only",
      "sg-no-public-ssh",
      "sg-public-ingress-edge-only",
    ]);
    assert.equal(policyExitCode(report), 2);
  });

  it("only warns when pack config turns every policy advisory", async () => {
    const report = await evaluatePolicies(broken, { all: "advisory" });
    assert.ok(report.violations.length >= 5);
    assert.ok(report.violations.every((v) => v.level === "advisory"));
    assert.equal(policyExitCode(report), 0);
  });

  it("skips a policy that pack config disables, and lets a policy's entry override `all`", async () => {
    const report = await evaluatePolicies(broken, {
      all: "advisory",
      "sg-no-public-ssh": "disabled",
      "ebs-encrypted": "mandatory",
    });
    assert.ok(!report.evaluated.includes("sg-no-public-ssh"));
    assert.ok(!report.violations.some((v) => v.policy === "sg-no-public-ssh"));
    assert.deepEqual(
      [...new Set(report.violations.filter((v) => v.level === "mandatory").map((v) => v.policy))],
      ["ebs-encrypted"],
    );
  });

  it("prints the violations grouped by policy", async () => {
    const text = renderPolicyReport(await evaluatePolicies(broken));
    assert.match(
      text,
      new RegExp(`^Policies \\(${PACK_NAME}\\): ${policies.length} evaluated, \\d+ mandatory`),
    );
    assert.match(
      text,
      /\n {4}sg-no-public-ssh \(mandatory\)\n {8}aws:vpc\/securityGroupIngressRule:SecurityGroupIngressRule bastion-ssh: tcp\/22 opens port 22/,
    );
  });
});

describe("offline policy arguments", () => {
  it("tell a stack policy which subnet each NAT gateway's subnetId names", () => {
    const resources = policyResources(planEvenIfViolating("prod").resources);
    const nats = resources.filter((r) => r.type === "aws:ec2/natGateway:NatGateway");
    assert.equal(nats.length, 3);
    for (const nat of nats) {
      const subnets = nat.propertyDependencies.subnetId ?? [];
      assert.deepEqual(
        subnets.map((s) => s.type),
        ["aws:ec2/subnet:Subnet"],
      );
      assert.equal(subnets[0].props.tags.Tier, "public");
    }
  });
});
