import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ruleName } from "../../components/common/sgRules";
import {
  clusterRuleSpecs,
  planClusterRules,
  ruleGroupName,
  type PlannedRule,
} from "../../components/kubernetes/network/rules";
import type { PlannedResource } from "../../scripts/lib/evaluate";
import { parseConfig } from "../../components/config";
import { planVariant, type Plan } from "../helpers/plan";
import { custom, inCluster, inputs, prod } from "./support/fixtures";

const GROUP_IDS: Record<string, string> = {
  "switchyard-nodes-id": "nodes",
  "switchyard-haproxy-id": "haproxy",
  "switchyard-etcd-id": "etcd",
  "switchyard-databases-id": "databases",
  "switchyard-control-plane-id": "controlPlane",
};

/** Every rule the Kubernetes component declares, as `group direction peer protocol ports`. */
function rulesOf(plan: Plan): string[] {
  const line = (direction: string) => (r: PlannedResource) => {
    const i = inputs(r);
    const peer = i.cidrIpv4 ?? GROUP_IDS[i.referencedSecurityGroupId] ?? i.referencedSecurityGroupId;
    const ports =
      i.ipProtocol === "-1" ? "all" : i.fromPort === i.toPort ? `${i.fromPort}` : `${i.fromPort}-${i.toPort}`;
    return `${GROUP_IDS[i.securityGroupId]} ${direction} ${peer} ${i.ipProtocol} ${ports}`;
  };
  return [
    ...inCluster(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map(line("in")),
    ...inCluster(plan, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").map(line("out")),
  ].sort();
}

describe("network paths of the nodes and the control plane", () => {
  test("prod opens exactly these paths", () => {
    assert.deepEqual(rulesOf(prod()), [
      // The deploy runners' network (kubernetes.apiAccessCidrs) reaches the private endpoint.
      "controlPlane in 10.100.0.0/24 tcp 443",
      "controlPlane in nodes tcp 443",
      "controlPlane out nodes tcp 10250",
      "controlPlane out nodes tcp 443",
      "controlPlane out nodes tcp 9443",
      "nodes in controlPlane tcp 10250",
      "nodes in controlPlane tcp 443",
      "nodes in controlPlane tcp 9443",
      // No NodePort range: members are pod IP + container port, and shop's port comes from appPorts.
      // Grafana is routed under monitoring.grafana.host: its container port.
      "nodes in haproxy tcp 3000",
      "nodes in haproxy tcp 8080",
      // Graylog, routed under logging.graylog.host.
      "nodes in haproxy tcp 9000",
      "nodes in nodes -1 all",
      "nodes out 0.0.0.0/0 tcp 443",
      "nodes out databases tcp 27017",
      "nodes out databases tcp 3306",
      "nodes out etcd tcp 2379",
      "nodes out nodes -1 all",
    ]);
  });

  test("HAProxy ports and webhook ports follow config; disabled databases get no path", () => {
    assert.deepEqual(rulesOf(custom()), [
      // No apiAccessCidrs in this config: the private endpoint admits the VPC range (the custom
      // network's) and prod's deploy runners (network.deployRunners.cidrs).
      "controlPlane in 10.100.0.0/24 tcp 443",
      "controlPlane in 10.20.0.0/16 tcp 443",
      "controlPlane in nodes tcp 443",
      "controlPlane out nodes tcp 10250",
      "controlPlane out nodes tcp 9443",
      "nodes in controlPlane tcp 10250",
      "nodes in controlPlane tcp 9443",
      "nodes in haproxy tcp 3000",
      "nodes in haproxy tcp 30000-32767",
      "nodes in haproxy tcp 8080",
      "nodes in nodes -1 all",
      "nodes out 0.0.0.0/0 tcp 443",
      "nodes out databases tcp 3306",
      "nodes out etcd tcp 2379",
      "nodes out nodes -1 all",
    ]);
  });

  test("nothing outside the VPC's groups reaches the nodes, and only HTTPS leaves for anywhere", () => {
    const rules = rulesOf(prod());
    assert.deepEqual(
      rules.filter((r) => r.startsWith("nodes in") && !/ in (haproxy|nodes|controlPlane) /.test(r)),
      [],
    );
    assert.deepEqual(
      rules.filter((r) => r.includes("0.0.0.0/0")),
      ["nodes out 0.0.0.0/0 tcp 443"],
    );
  });

  test("the nodes wear only the nodes group; the EKS cluster group (allow-all) is not attached", () => {
    for (const t of inCluster(prod(), "aws:ec2/launchTemplate:LaunchTemplate")) {
      assert.deepEqual(inputs(t).vpcSecurityGroupIds, ["switchyard-nodes-id"]);
    }
  });

  test("the private API endpoint admits exactly the configured ranges, each its own stable rule", () => {
    const rules = planClusterRules({
      haproxyPorts: [],
      appPorts: [],
      webhookPorts: [],
      databasePorts: [],
      apiAccessCidrs: ["10.100.0.0/24", "192.168.7.0/28"],
    }).filter((r) => r.group === "controlPlane" && typeof r.peer === "object");
    assert.deepEqual(
      rules.map((r) => [r.key, r.peer, r.fromPort, r.toPort]),
      [
        ["10-100-0-0-24-443", { cidr: "10.100.0.0/24" }, 443, 443],
        ["192-168-7-0-28-443", { cidr: "192.168.7.0/28" }, 443, 443],
      ],
    );
  });

  test("rule keys are unique and stable, so a rule keeps its resource when others change", () => {
    const rules = planClusterRules({
      haproxyPorts: [{ from: 30000, to: 32767 }],
      appPorts: [8080],
      webhookPorts: [443, 443],
      databasePorts: [3306],
      apiAccessCidrs: [],
    });
    const id = (r: PlannedRule) => ruleName(ruleGroupName("c", r.group), r);
    assert.equal(new Set(rules.map(id)).size, rules.length);
    assert.ok(rules.some((r) => id(r) === "c-nodes-ingress-haproxy-30000-32767"));
    const withMore = planClusterRules({
      haproxyPorts: [
        { from: 8080, to: 8080 },
        { from: 30000, to: 32767 },
      ],
      appPorts: [8080],
      webhookPorts: [443],
      databasePorts: [3306],
      apiAccessCidrs: [],
    });
    assert.ok(withMore.some((r) => id(r) === "c-nodes-ingress-haproxy-30000-32767"));
  });

  test("rules named before the shared rule helper keep their resources through an alias", () => {
    const rules = planClusterRules({
      haproxyPorts: [],
      appPorts: [8080],
      webhookPorts: [],
      databasePorts: [],
      apiAccessCidrs: ["10.100.0.0/24"],
    });
    const specs = clusterRuleSpecs("switchyard", rules, {
      nodes: "sg-n",
      controlPlane: "sg-c",
      haproxy: "sg-h",
      etcd: "sg-e",
      databases: "sg-d",
    });
    const nodes = specs.get("nodes")!.find((r) => r.key === "haproxy-8080")!;
    assert.equal(
      ruleName(ruleGroupName("switchyard", "nodes"), nodes),
      "switchyard-nodes-ingress-haproxy-8080",
    );
    assert.equal(nodes.formerName, "switchyard-nodes-in-haproxy-8080");
    assert.deepEqual(nodes.peer, { securityGroupId: "sg-h" });
    const api = specs.get("controlPlane")!.find((r) => r.key === "10-100-0-0-24-443")!;
    assert.equal(api.formerName, "switchyard-controlPlane-in-10-100-0-0-24-443");
    // In the plan, the renamed resource carries the former URN among its aliases.
    const planned = inCluster(prod(), "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").find(
      (r) => r.name === "switchyard-nodes-ingress-haproxy-8080",
    )!;
    assert.deepEqual(planned.options.aliases, [
      planned.urn.replace("::switchyard-nodes-ingress-haproxy-8080", "::switchyard-nodes-in-haproxy-8080"),
    ]);
  });

  test("HAProxy reaches the apps' pods on their container ports (registrar members are pod IPs)", () => {
    const ingress = (appPorts: number[], haproxyPorts = [] as { from: number; to: number }[]) =>
      planClusterRules({ haproxyPorts, appPorts, webhookPorts: [], databasePorts: [], apiAccessCidrs: [] })
        .filter((r) => r.direction === "ingress" && r.peer === "haproxy")
        .map((r) => `${r.fromPort}-${r.toPort}`);
    // The default: no extra ranges, exactly the apps' container ports.
    assert.deepEqual(ingress([8080, 9000, 8080]), ["8080-8080", "9000-9000"]);
    assert.deepEqual(ingress([]), []);
    // Extra ranges (app teams' ports) are opened; a container port inside one adds nothing.
    const extra = [{ from: 9000, to: 9100 }];
    assert.deepEqual(ingress([8080, 9050], extra), ["9000-9100", "8080-8080"]);
  });
});

describe("kubernetes.nodeEgress: app teams' extra destinations", () => {
  const base = { haproxyPorts: [], appPorts: [], webhookPorts: [], databasePorts: [], apiAccessCidrs: [] };

  test("each entry is one egress rule on the nodes, named by the entry, to a range or a group", () => {
    const rules = planClusterRules({
      ...base,
      nodeEgress: {
        "reports-db": { securityGroupId: "sg-0123456789abcdef0", port: 5432, protocol: "tcp" },
        "partner-dns": { cidr: "192.0.2.0/24", port: 53, protocol: "udp" },
      },
    }).filter((r) => r.key.startsWith("extra-"));
    assert.deepEqual(
      rules.map((r) => [r.key, r.peer, r.protocol, r.fromPort, r.toPort]),
      [
        ["extra-partner-dns", { cidr: "192.0.2.0/24" }, "udp", 53, 53],
        ["extra-reports-db", { securityGroupId: "sg-0123456789abcdef0" }, "tcp", 5432, 5432],
      ],
    );
    const without = planClusterRules(base);
    assert.ok(!without.some((r) => r.key.startsWith("extra-")), "nothing extra by default");
  });

  test("the plan declares it as a security-group egress rule of the nodes", () => {
    const run = planVariant("prod", (cfg) => {
      cfg["switchyard:kubernetes"] = {
        ...cfg["switchyard:kubernetes"],
        nodeEgress: { "reports-db": { securityGroupId: "sg-0123456789abcdef0", port: 5432 } },
      };
    });
    assert.ok(run.plan, run.stderr);
    const rule = run.plan.resources.find((r) => r.name === "switchyard-nodes-egress-extra-reports-db");
    assert.ok(rule, "rule declared");
    assert.equal(rule.type, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule");
    assert.deepEqual(
      [
        rule.inputs.securityGroupId,
        rule.inputs.referencedSecurityGroupId,
        rule.inputs.ipProtocol,
        rule.inputs.fromPort,
      ],
      ["switchyard-nodes-id", "sg-0123456789abcdef0", "tcp", 5432],
    );
  });

  test("an entry names exactly one destination, not the whole internet", () => {
    const problems = (entry: object) => {
      try {
        parseConfig({
          "aws:region": "eu-west-1",
          "switchyard:kubernetes": JSON.stringify({ nodeEgress: { x: entry } }),
        });
        return "";
      } catch (e) {
        return (e as Error).message;
      }
    };
    assert.match(problems({ port: 5432 }), /nodeEgress\.x: expected exactly one of cidr or securityGroupId/);
    assert.match(problems({ cidr: "0.0.0.0/0", port: 5432 }), /narrower than \/0/);
    assert.match(problems({ securityGroupId: "db", port: 5432 }), /security group id/);
    assert.equal(problems({ cidr: "10.20.64.0/20", port: 5432 }), "");
  });
});
