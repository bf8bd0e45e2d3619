import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isPublicCidr } from "../../policies/lib/network";
import { publicSubnets } from "../../policies/rules/publicSubnets";
import { sgNoPublicSsh } from "../../policies/rules/sgNoPublicSsh";
import { sgPublicIngress } from "../../policies/rules/sgPublicIngress";
import { checkResource, checkStack, dependingOn, idOf, planned } from "./support/helpers";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

const group = (name: string, role: string) => planned(SG, name, { tags: { Role: role }, ingress: [] });
const edge = group("switchyard-loadBalancer", "loadBalancer");
const haproxy = group("switchyard-haproxy", "haproxy");

/** A separate ingress rule on `target`, referring to it by ID as components do. */
function ingressRule(name: string, target: ReturnType<typeof group>, inputs: Record<string, unknown>) {
  return dependingOn(planned(INGRESS_RULE, name, { securityGroupId: idOf(target), ...inputs }), target);
}

describe("sg-public-ingress-edge-only", () => {
  it("allows the edge load balancer's group to take HTTP and HTTPS from anywhere", async () => {
    const rules = [
      ingressRule("edge-https", edge, {
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: "0.0.0.0/0",
      }),
      ingressRule("edge-http6", edge, { ipProtocol: "tcp", fromPort: 80, toPort: 80, cidrIpv6: "::/0" }),
    ];
    assert.deepEqual(await checkStack(sgPublicIngress, [edge, haproxy, ...rules]), []);
  });

  it("reports the world reaching any other group, whichever way the rule is declared", async () => {
    const inline = planned(SG, "debug", {
      ingress: [{ protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: ["0.0.0.0/0"] }],
    });
    const legacy = dependingOn(
      planned(SG_RULE, "haproxy-stats", {
        type: "ingress",
        securityGroupId: idOf(haproxy),
        protocol: "tcp",
        fromPort: 8404,
        toPort: 8404,
        ipv6CidrBlocks: ["::/0"],
      }),
      haproxy,
    );
    const vpcRule = ingressRule("haproxy-https", haproxy, {
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "0.0.0.0/0",
    });
    assert.deepEqual(await checkStack(sgPublicIngress, [edge, haproxy, inline, legacy, vpcRule]), [
      "debug: tcp/8080 is open to 0.0.0.0/0 on a security group that is not the edge's.",
      "haproxy-stats: tcp/8404 is open to ::/0 on a security group that is not the edge's.",
      "haproxy-https: tcp/443 is open to 0.0.0.0/0 on a security group that is not the edge's.",
    ]);
  });

  it("judges inline ingress by its own group, and a rule whose group is unknown as not the edge's", async () => {
    const inlineEdge = planned(SG, "edge-inline", {
      tags: { Role: "loadBalancer" },
      ingress: [
        { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] },
      ],
    });
    const inlineOther = planned(SG, "debug", {
      ingress: [
        { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] },
      ],
    });
    // Names its group by a literal ID: no reference says it is the edge's.
    const literal = planned(INGRESS_RULE, "by-id", {
      securityGroupId: "sg-0123456789abcdef0",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "0.0.0.0/0",
    });
    assert.deepEqual(await checkStack(sgPublicIngress, [inlineEdge, inlineOther, literal]), [
      "debug: tcp/443 is open to 0.0.0.0/0, ::/0 on a security group that is not the edge's.",
      "by-id: tcp/443 is open to 0.0.0.0/0 on a security group that is not the edge's.",
    ]);
  });

  it("reports the edge opening ports beyond 80/443", async () => {
    const wide = ingressRule("edge-all", edge, { ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" });
    assert.deepEqual(await checkStack(sgPublicIngress, [edge, wide]), [
      "edge-all: all traffic is open to 0.0.0.0/0 on the edge load balancer beyond its ports.",
    ]);
  });

  it("ignores private sources and egress", async () => {
    const internal = ingressRule("etcd-client", haproxy, {
      ipProtocol: "tcp",
      fromPort: 2379,
      toPort: 2379,
      cidrIpv4: "10.20.0.0/16",
    });
    const egress = dependingOn(
      planned(SG_RULE, "out", {
        type: "egress",
        securityGroupId: idOf(haproxy),
        protocol: "-1",
        cidrBlocks: ["0.0.0.0/0"],
      }),
      haproxy,
    );
    assert.deepEqual(await checkStack(sgPublicIngress, [haproxy, internal, egress]), []);
  });
});

describe("sg-no-public-ssh", () => {
  it("knows private ranges from public ones", () => {
    for (const cidr of ["10.0.0.0/8", "172.20.0.0/16", "192.168.1.0/24", "100.64.0.0/10", "fd00::/8"]) {
      assert.equal(isPublicCidr(cidr), false, cidr);
    }
    for (const cidr of [
      "0.0.0.0/0",
      "203.0.113.7/32",
      "172.32.0.0/16",
      "::/0",
      "2001:db8::/32",
      "10.0.0.0/7",
    ]) {
      assert.equal(isPublicCidr(cidr), true, cidr);
    }
  });

  it("passes SSH from inside the VPC", async () => {
    const rule = planned(INGRESS_RULE, "ssh", {
      ipProtocol: "tcp",
      fromPort: 22,
      toPort: 22,
      cidrIpv4: "10.20.0.0/16",
    });
    assert.deepEqual(await checkResource(sgNoPublicSsh, rule), []);
  });

  it("reports SSH from a single public address, even on the edge group", async () => {
    const rule = planned(SG_RULE, "ssh", {
      type: "ingress",
      protocol: "tcp",
      fromPort: 20,
      toPort: 25,
      cidrBlocks: ["203.0.113.7/32"],
    });
    assert.deepEqual(await checkResource(sgNoPublicSsh, rule), [
      "tcp/20-25 opens port 22 to public 203.0.113.7/32.",
    ]);
    const inline = planned(SG, "edge", {
      tags: { Role: "loadBalancer" },
      ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["::/0"] }],
    });
    assert.deepEqual(await checkResource(sgNoPublicSsh, inline), [
      "all traffic opens port 22 to public ::/0.",
    ]);
  });
});

describe("public-subnets-edge-only", () => {
  const subnet = (name: string, tier: string) =>
    planned("aws:ec2/subnet:Subnet", name, { tags: { Name: name, Tier: tier }, mapPublicIpOnLaunch: false });
  const publicA = subnet("public-a", "public");
  const privateA = subnet("private-a", "private");
  const placedIn = (
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    ...subnets: (typeof publicA)[]
  ) => dependingOn(planned(type, name, inputs), ...subnets);

  it("allows NAT gateways, the edge load balancer and route-table associations there", async () => {
    const resources = [
      publicA,
      privateA,
      placedIn("aws:ec2/natGateway:NatGateway", "nat-a", { subnetId: idOf(publicA) }, publicA),
      placedIn(
        "aws:lb/loadBalancer:LoadBalancer",
        "edge",
        { subnets: [idOf(publicA)], tags: { Role: "loadBalancer" } },
        publicA,
      ),
      placedIn(
        "aws:ec2/routeTableAssociation:RouteTableAssociation",
        "public-a",
        { subnetId: idOf(publicA) },
        publicA,
      ),
      placedIn("aws:ec2/instance:Instance", "etcd-0", { subnetId: idOf(privateA) }, privateA),
    ];
    assert.deepEqual(await checkStack(publicSubnets, resources), []);
  });

  it("reports hosts, fleets and clusters placed in a public subnet", async () => {
    const resources = [
      publicA,
      privateA,
      placedIn("aws:ec2/instance:Instance", "bastion", { subnetId: idOf(publicA) }, publicA),
      placedIn(
        "aws:autoscaling/group:Group",
        "haproxy",
        { vpcZoneIdentifiers: [idOf(privateA), idOf(publicA)] },
        privateA,
        publicA,
      ),
      placedIn("aws:eks/cluster:Cluster", "k8s", { vpcConfig: { subnetIds: [idOf(publicA)] } }, publicA),
    ];
    assert.deepEqual(await checkStack(publicSubnets, resources), [
      "bastion: Placed in public subnet(s) public-a; only NAT gateways and the edge load balancer belong there.",
      "haproxy: Placed in public subnet(s) public-a; only NAT gateways and the edge load balancer belong there.",
      "k8s: Placed in public subnet(s) public-a; only NAT gateways and the edge load balancer belong there.",
    ]);
  });

  it("finds placement through every subnet property, naming each public subnet once", async () => {
    const elbTagged = planned("aws:ec2/subnet:Subnet", "public-b", {
      tags: { Name: "public-b", "kubernetes.io/role/elb": "1" },
    });
    const message = (names: string) =>
      `Placed in public subnet(s) ${names}; only NAT gateways and the edge load balancer belong there.`;
    const resources = [
      publicA,
      elbTagged,
      placedIn(
        "aws:eks/nodeGroup:NodeGroup",
        "nodes",
        { subnetIds: [idOf(publicA), idOf(elbTagged)] },
        publicA,
        elbTagged,
      ),
      placedIn("aws:lb/loadBalancer:LoadBalancer", "internal", { subnets: [idOf(elbTagged)] }, elbTagged),
      placedIn(
        "aws:lb/loadBalancer:LoadBalancer",
        "nlb",
        { subnetMappings: [{ subnetId: idOf(publicA) }, { subnetId: idOf(publicA) }] },
        publicA,
      ),
      placedIn(
        "aws:ec2/launchTemplate:LaunchTemplate",
        "lt",
        { networkInterfaces: [{ subnetId: idOf(publicA) }] },
        publicA,
      ),
      // Configuring a subnet is not running in it.
      placedIn("aws:ec2/networkAcl:NetworkAcl", "acl", { subnetIds: [idOf(publicA)] }, publicA),
      placedIn(
        "aws:ec2/networkAclAssociation:NetworkAclAssociation",
        "acl-a",
        { subnetId: idOf(publicA) },
        publicA,
      ),
    ];
    assert.deepEqual(await checkStack(publicSubnets, resources), [
      `nodes: ${message("public-a, public-b")}`,
      `internal: ${message("public-b")}`,
      `nlb: ${message("public-a")}`,
      `lt: ${message("public-a")}`,
    ]);
  });

  it("recognises a public subnet by auto-assigned public IPs too", async () => {
    const open = planned("aws:ec2/subnet:Subnet", "open", { mapPublicIpOnLaunch: true });
    const instance = placedIn("aws:ec2/instance:Instance", "web", { subnetId: idOf(open) }, open);
    assert.equal((await checkStack(publicSubnets, [open, instance])).length, 1);
  });
});
