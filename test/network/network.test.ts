import { readFileSync } from "node:fs";
import { join } from "node:path";
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { byName, ofType, planStack, plannedVariant, ROOT, type Plan } from "../helpers/plan";

const NAT = "aws:ec2/natGateway:NatGateway";
const SUBNET = "aws:ec2/subnet:Subnet";
const ROUTE_TABLE = "aws:ec2/routeTable:RouteTable";

const variant = (edit: (network: Record<string, unknown>) => void): Plan =>
  plannedVariant("prod", (config) => edit(config["switchyard:network"]));

function defaultRoute(plan: Plan, name: string) {
  const routes = byName(plan, ROUTE_TABLE, name).inputs.routes as {
    cidrBlock: string;
    natGatewayId?: string;
  }[];
  return routes.find((r) => r.cidrBlock === "0.0.0.0/0");
}

describe("network under mocks", () => {
  test("prod: one VPC, 9 subnets over 3 AZs x 3 tiers, a NAT gateway per AZ and a flow log", () => {
    const plan = planStack("prod");
    assert.equal(ofType(plan, "aws:ec2/vpc:Vpc").length, 1);
    const subnets = ofType(plan, SUBNET);
    assert.equal(subnets.length, 9);
    const tiers = new Map<string, Set<string>>();
    for (const s of subnets) {
      const tier = (s.inputs.tags as Record<string, string>).Tier;
      tiers.set(tier, (tiers.get(tier) ?? new Set()).add(s.inputs.availabilityZone as string));
    }
    assert.deepEqual([...tiers.keys()].sort(), ["data", "private", "public"]);
    for (const zones of tiers.values()) assert.equal(zones.size, 3);
    assert.equal(ofType(plan, NAT).length, 3);
    const flowLogs = ofType(plan, "aws:ec2/flowLog:FlowLog");
    assert.equal(flowLogs.length, 1);
    assert.equal(flowLogs[0].inputs.trafficType, "ALL");
    assert.equal(
      ofType(plan, "aws:cloudwatch/logGroup:LogGroup").find((g) => g.name.endsWith("flow-logs"))?.inputs
        .retentionInDays,
      365,
    );
  });

  test("perAz: each AZ's private subnets route through that AZ's own NAT gateway", () => {
    const plan = planStack("prod");
    for (const az of ["eu-west-1a", "eu-west-1b", "eu-west-1c"]) {
      assert.equal(defaultRoute(plan, `switchyard-private-${az}`)?.natGatewayId, `switchyard-nat-${az}-id`);
    }
  });

  test("staging (single): one NAT gateway, in the lowest AZ, shared by every AZ", () => {
    const plan = planStack("staging");
    const nats = ofType(plan, NAT);
    assert.equal(nats.length, 1);
    assert.equal(nats[0].inputs.subnetId, "switchyard-public-eu-west-1a-id");
    for (const az of ["eu-west-1a", "eu-west-1b", "eu-west-1c"]) {
      assert.equal(
        defaultRoute(plan, `switchyard-private-${az}`)?.natGatewayId,
        "switchyard-nat-eu-west-1a-id",
      );
    }
  });

  test("none: no NAT gateway, no elastic IP and no default route out of private subnets", () => {
    const plan = variant((n) => (n.natGateways = "none"));
    assert.equal(ofType(plan, NAT).length, 0);
    assert.equal(ofType(plan, "aws:ec2/eip:Eip").length, 0);
    assert.equal(defaultRoute(plan, "switchyard-private-eu-west-1a"), undefined);
  });

  test("data subnets lose their internet route when dataEgress is off", () => {
    const plan = variant((n) => (n.dataEgress = false));
    assert.equal(defaultRoute(plan, "switchyard-data-eu-west-1b"), undefined);
    assert.ok(defaultRoute(plan, "switchyard-private-eu-west-1b"));
  });

  test("adding an AZ adds resources without renaming or changing existing ones", () => {
    const before = planStack("prod");
    const after = variant((n) => (n.azCount = 4));
    const key = (r: { type: string; name: string }) => `${r.type}::${r.name}`;
    const afterByKey = new Map(after.resources.map((r) => [key(r), r]));
    for (const r of before.resources.filter(
      (x) => x.type === SUBNET || x.type === NAT || x.type === "aws:ec2/eip:Eip",
    )) {
      const same = afterByKey.get(key(r));
      assert.ok(same, `${key(r)} disappeared or was renamed`);
      assert.deepEqual(same.inputs, r.inputs, `${key(r)} changed`);
    }
    assert.equal(ofType(after, SUBNET).length, 12);
    assert.ok(afterByKey.has(`${SUBNET}::switchyard-private-eu-west-1d`));
  });

  test("adding an AZ changes exactly the resources docs/network.md lists, and removes none", () => {
    const before = planStack("prod");
    const after = variant((n) => (n.azCount = 4));
    const key = (r: { type: string; name: string }) => `${r.type}::${r.name}`;
    const afterByKey = new Map(after.resources.map((r) => [key(r), r]));
    assert.deepEqual(before.resources.filter((r) => !afterByKey.has(key(r))).map(key), []);
    const changed = before.resources.flatMap((r) => {
      const next = afterByKey.get(key(r))!;
      const inputs = [...new Set([...Object.keys(r.inputs), ...Object.keys(next.inputs)])].filter(
        (k) => JSON.stringify(r.inputs[k]) !== JSON.stringify(next.inputs[k]),
      );
      return inputs.length > 0 ? [`${r.type.split(":")[1]} ${r.name} ${inputs.join(",")}`] : [];
    });
    // Resource types and inputs as the table in docs/network.md ("What adding an AZ changes").
    const doc = readFileSync(join(ROOT, "docs/network.md"), "utf8");
    const section = doc.slice(
      doc.indexOf("### What adding an AZ changes"),
      doc.indexOf("AZ names are not looked up"),
    );
    for (const line of changed) {
      const [type, , input] = line.split(" ");
      assert.ok(
        section.includes(`\`aws:${type!.split("/")[0]}/${type!.split("/")[1]}\``),
        `${line}: type not in the doc`,
      );
      assert.ok(
        section.includes(`\`${input === "vpcConfig" ? "vpcConfig.subnetIds" : input}\``),
        `${line}: input not in the doc`,
      );
    }
    assert.deepEqual(changed.filter((l) => !l.startsWith("ec2/vpcEndpoint")).sort(), [
      "autoscaling/group edge-blue vpcZoneIdentifiers",
      "autoscaling/group edge-green vpcZoneIdentifiers",
      "eks/addon switchyard-coredns configurationValues",
      "eks/cluster switchyard vpcConfig",
      "eks/nodeGroup switchyard-general subnetIds",
      "lb/loadBalancer edge subnets",
      "lb/loadBalancer logging-kafka subnets",
      "lb/loadBalancer monitoring-metrics subnets",
    ]);
    assert.equal(after.resources.length - before.resources.length, 12);
    assert.match(section, / 12 are added/);
  });

  test("the default security group is taken over with no rules", () => {
    const sg = ofType(planStack("prod"), "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup");
    assert.equal(sg.length, 1);
    assert.deepEqual(sg[0].inputs.ingress ?? [], []);
    assert.deepEqual(sg[0].inputs.egress ?? [], []);
  });

  test("the S3 gateway endpoint serves every route table; interface endpoints only when configured", () => {
    const prod = planStack("prod");
    const s3 = byName(prod, "aws:ec2/vpcEndpoint:VpcEndpoint", "switchyard-s3");
    assert.equal(s3.inputs.vpcEndpointType, "Gateway");
    assert.equal((s3.inputs.routeTableIds as string[]).length, ofType(prod, ROUTE_TABLE).length);
    const ssm = byName(prod, "aws:ec2/vpcEndpoint:VpcEndpoint", "switchyard-ssm");
    assert.equal(ssm.inputs.privateDnsEnabled, true);
    const staging = planStack("staging");
    assert.equal(ofType(staging, "aws:ec2/vpcEndpoint:VpcEndpoint").length, 1);
  });

  test("every AWS resource is tagged through the provider's default tags", () => {
    const plan = planStack("prod");
    const providers = ofType(plan, "pulumi:providers:aws");
    assert.equal(providers.length, 1);
    const tags = JSON.parse(providers[0].inputs.defaultTags as string).tags;
    assert.deepEqual(Object.keys(tags).sort(), ["Environment", "ManagedBy", "Owner", "Project", "Stack"]);
    assert.equal(tags.Stack, "prod");
    // The policies tell production resources by this tag.
    assert.equal(tags.Environment, "production");
    for (const r of plan.resources.filter((x) => x.type.startsWith("aws:"))) {
      assert.equal(
        r.provider?.slice(0, r.provider.lastIndexOf("::")),
        providers[0].urn,
        `${r.name} does not use the tagged provider`,
      );
    }
  });

  test("the flow-log role may only write to its own log group", () => {
    const plan = planStack("prod");
    const policy = JSON.parse(
      byName(plan, "aws:iam/rolePolicy:RolePolicy", "switchyard-flow-logs").inputs.policy as string,
    );
    const resources = policy.Statement.flatMap((s: { Resource: string[] }) => s.Resource);
    assert.ok(
      resources.every((r: string) => r.includes("flow-logs")),
      JSON.stringify(resources),
    );
  });
});
