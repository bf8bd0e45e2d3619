// The deploy runners' path into the private parts: zone associations, routes back over the peering
// or Transit Gateway, and config that refuses a path that could not work.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseConfig } from "../../components/config";
import { ConfigError } from "../../components/config/parse";
import { planRunnerRoutes } from "../../components/network";
import { byName, ofType, planStack, planVariant, type Plan } from "../helpers/plan";

const ROUTE = "aws:ec2/route:Route";
const ASSOCIATION = "aws:route53/zoneAssociation:ZoneAssociation";
const AUTHORIZATION = "aws:route53/vpcAssociationAuthorization:VpcAssociationAuthorization";
const ATTACHMENT = "aws:ec2transitgateway/vpcAttachment:VpcAttachment";

const runners = {
  vpcId: "vpc-0a1b2c3d4e5f60718",
  cidrs: ["10.100.0.0/24"],
  peeringConnectionId: "pcx-0a1b2c3d",
};
const stack = (network: object, extra: Record<string, string> = {}) => ({
  "aws:region": "eu-west-1",
  "switchyard:network": JSON.stringify({ cidr: "10.20.0.0/16", ...network }),
  ...extra,
});
function problemsOf(raw: Record<string, string>): { path: string; message: string }[] {
  try {
    parseConfig(raw);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe("deploy runners: configuration", () => {
  test("their ranges open etcd's client port and the EKS API unless those keys are set", () => {
    const cfg = parseConfig(stack({ deployRunners: runners }));
    assert.deepEqual(cfg.etcd.deployRunnerCidrs, ["10.100.0.0/24"]);
    assert.deepEqual(cfg.kubernetes.apiAccessCidrs, ["10.20.0.0/16", "10.100.0.0/24"]);
    assert.deepEqual(parseConfig(stack({})).kubernetes.apiAccessCidrs, ["10.20.0.0/16"]);
  });

  test("exactly one of a peering connection or a Transit Gateway", () => {
    const { peeringConnectionId: _, ...neither } = runners;
    for (const bad of [neither, { ...runners, transitGatewayId: "tgw-0a1b2c3d" }]) {
      const problems = problemsOf(stack({ deployRunners: bad }));
      assert.ok(
        problems.some(
          (p) =>
            p.path === "switchyard:network.deployRunners" &&
            /exactly one of peeringConnectionId/.test(p.message),
        ),
        JSON.stringify(problems),
      );
    }
  });

  test("ids, region and ranges are checked, naming the key", () => {
    const problems = problemsOf(
      stack({ deployRunners: { ...runners, vpcId: "vpc-XYZ", region: "eu-west-9", cidrs: ["8.8.8.0/24"] } }),
    );
    const paths = problems.map((p) => p.path);
    assert.ok(paths.includes("switchyard:network.deployRunners.vpcId"), JSON.stringify(problems));
    assert.ok(paths.includes("switchyard:network.deployRunners.region"), JSON.stringify(problems));
    assert.ok(paths.includes("switchyard:network.deployRunners.cidrs.0"), JSON.stringify(problems));
  });

  test("a range inside the VPC, or one the etcd/EKS keys leave out, is refused", () => {
    const inside = problemsOf(stack({ deployRunners: { ...runners, cidrs: ["10.20.5.0/24"] } }));
    assert.ok(
      inside.some(
        (p) => p.path === "switchyard:network.deployRunners.cidrs.0" && /overlaps the VPC/.test(p.message),
      ),
      JSON.stringify(inside),
    );
    const uncovered = problemsOf(
      stack(
        { deployRunners: runners },
        {
          "switchyard:etcd": JSON.stringify({ deployRunnerCidrs: ["10.101.0.0/24"] }),
          "switchyard:kubernetes": JSON.stringify({ apiAccessCidrs: ["10.100.0.0/16"] }),
        },
      ),
    );
    const paths = uncovered.map((p) => p.path);
    assert.ok(paths.includes("switchyard:etcd.deployRunnerCidrs"), JSON.stringify(uncovered));
    assert.ok(!paths.includes("switchyard:kubernetes.apiAccessCidrs"), "a wider range covers the runners");
  });
});

describe("deploy runners: route names", () => {
  test("adding a range or an AZ adds routes and renames none", () => {
    const before = planRunnerRoutes("r", { private: ["eu-west-1a", "eu-west-1b"], data: ["eu-west-1a"] }, [
      "10.100.0.0/24",
    ]);
    const after = planRunnerRoutes(
      "r",
      { private: ["eu-west-1a", "eu-west-1b", "eu-west-1c"], data: ["eu-west-1a", "eu-west-1c"] },
      ["10.100.0.0/24", "10.101.0.0/24"],
    );
    const names = new Set(after.map((r) => r.name));
    for (const r of before) assert.ok(names.has(r.name), `${r.name} kept`);
    assert.equal(names.size, after.length, "names are unique");
    assert.equal(after.length, 5 * 2);
  });
});

describe("deploy runners under mocks", () => {
  const prod = planStack("prod");

  test("prod: every private and data route table routes the runners' range over the peering", () => {
    const routes = ofType(prod, ROUTE).filter((r) => r.name.startsWith("deploy-runners-"));
    const tables = ofType(prod, "aws:ec2/routeTable:RouteTable")
      .map((t) => t.name)
      .filter((n) => /-(private|data)-/.test(n));
    assert.equal(tables.length, 6);
    assert.deepEqual(
      routes.map((r) => `${r.inputs.routeTableId}`).sort(),
      tables.map((t) => `${t}-id`).sort(),
    );
    for (const r of routes) {
      assert.equal(r.inputs.destinationCidrBlock, "10.100.0.0/24");
      assert.equal(r.inputs.vpcPeeringConnectionId, "pcx-0123456789abcdef0");
    }
  });

  test("prod: each private zone is associated with the runners' VPC, and keeps that association", () => {
    const zones = ofType(prod, "aws:route53/zone:Zone").filter((z) => z.inputs.vpcs !== undefined);
    assert.deepEqual(zones.map((z) => z.name).sort(), ["etcd-zone", "mongodb-zone", "mysql-zone"]);
    for (const z of zones)
      assert.deepEqual(z.options.ignoreChanges, ["vpcs"], `${z.name} ignores its inline vpcs`);
    const associations = ofType(prod, ASSOCIATION);
    assert.deepEqual(associations.map((a) => a.name).sort(), [
      "deploy-runners-etcd-zone",
      "deploy-runners-mongodb-zone",
      "deploy-runners-mysql-zone",
    ]);
    for (const a of associations) {
      assert.equal(a.inputs.vpcId, "vpc-0123456789abcdef0");
      assert.equal(a.inputs.vpcRegion, "eu-west-1");
    }
  });

  test("a Transit Gateway in another account: an attachment, routes through it, authorizations only", () => {
    const run = planVariant("prod", (config) => {
      const r = config["switchyard:network"].deployRunners;
      delete r.peeringConnectionId;
      Object.assign(r, {
        transitGatewayId: "tgw-0a1b2c3d4e5f60718",
        crossAccount: true,
        region: "eu-central-1",
      });
    });
    assert.equal(run.status, 0, run.stderr);
    const plan: Plan = run.plan!;
    const attachment = byName(plan, ATTACHMENT, "deploy-runners");
    assert.equal(attachment.inputs.transitGatewayId, "tgw-0a1b2c3d4e5f60718");
    assert.equal((attachment.inputs.subnetIds as string[]).length, 3);
    const routes = ofType(plan, ROUTE).filter((r) => r.name.startsWith("deploy-runners-"));
    assert.equal(routes.length, 6);
    for (const r of routes) {
      assert.equal(r.inputs.transitGatewayId, "tgw-0a1b2c3d4e5f60718");
      assert.ok(r.options.dependsOn.includes(attachment.urn), `${r.name} waits for the attachment`);
    }
    assert.equal(ofType(plan, ASSOCIATION).length, 0);
    const authorizations = ofType(plan, AUTHORIZATION);
    assert.equal(authorizations.length, 3);
    for (const a of authorizations) assert.equal(a.inputs.vpcRegion, "eu-central-1");
  });
});
