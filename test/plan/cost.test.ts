import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { costDelta, estimateCost, priceTable } from "../../scripts/lib/cost";
import { planned } from "../helpers/planned";

const REGION = "eu-west-1";
const table = priceTable(REGION)!;
const H = table.hoursPerMonth;

describe("cost estimate", () => {
  test("the price table is dated and names its source", () => {
    assert.match(table.date, /^\d{4}-\d{2}-\d{2}$/);
    assert.match(table.source, /aws\.amazon\.com\/ec2\/pricing/);
    assert.ok(table.excluded.length > 0);
  });

  test("an Auto Scaling group costs desired capacity × its template's type and root volumes", () => {
    const lt = planned("aws:ec2/launchTemplate:LaunchTemplate", "fleet-blue", {
      instanceType: "c7i.large",
      blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 20, volumeType: "gp3" } }],
    });
    const live = planned("aws:autoscaling/group:Group", "blue", {
      desiredCapacity: 3,
      launchTemplate: { id: "fleet-blue-id" },
    });
    const idle = planned("aws:autoscaling/group:Group", "green", {
      desiredCapacity: 0,
      launchTemplate: { id: "fleet-blue-id" },
    });
    const cost = estimateCost([lt, live, idle], REGION);
    assert.deepEqual(
      new Set(cost.lines.map((l) => l.name)),
      new Set(["blue"]),
      "the idle fleet at zero costs nothing",
    );
    const expected = table.instanceHourly["c7i.large"] * H * 3 + 3 * 20 * table.ebs.gp3GbMonth;
    assert.ok(Math.abs(cost.monthlyUsd - expected) < 0.02, `${cost.monthlyUsd} vs ${expected}`);
    assert.equal(cost.byLine["EBS GB"], Math.round(60 * table.ebs.gp3GbMonth * 100) / 100);
  });

  test("gp3 volumes cost size plus provisioned IOPS and throughput above the free baseline", () => {
    const base = estimateCost(
      [planned("aws:ebs/volume:Volume", "v", { size: 100, iops: 3000, throughput: 125 })],
      REGION,
    );
    const tuned = estimateCost(
      [planned("aws:ebs/volume:Volume", "v", { size: 100, iops: 6000, throughput: 250 })],
      REGION,
    );
    const extra = 3000 * table.ebs.gp3IopsMonthAboveBaseline + 125 * table.ebs.gp3MibpsMonthAboveBaseline;
    assert.ok(Math.abs(tuned.monthlyUsd - base.monthlyUsd - extra) < 0.01);
    assert.ok(tuned.byLine["provisioned IOPS"] > 0 && tuned.byLine["provisioned throughput"] > 0);
  });

  test("a known stack matches a hand computation from the table, per component and per line", () => {
    const stack = "urn:pulumi:test::switchyard::pulumi:pulumi:Stack::switchyard-test";
    const component = (type: string, name: string) => ({
      ...planned(type, name, {}),
      custom: false,
      parent: stack,
    });
    const network = component("switchyard:network:Network", "net");
    const etcd = component("switchyard:etcd:EtcdCluster", "etcd");
    const k8s = component("switchyard:kubernetes:Cluster", "k8s");
    const under = (p: { urn: string }, r: ReturnType<typeof planned>) => ({ ...r, parent: p.urn });
    const resources = [
      network,
      etcd,
      k8s,
      under(network, planned("aws:ec2/natGateway:NatGateway", "nat-a", {})),
      under(network, planned("aws:ec2/eip:Eip", "nat-a", {})),
      under(
        network,
        planned("aws:ec2/vpcEndpoint:VpcEndpoint", "ssm", {
          vpcEndpointType: "Interface",
          subnetIds: ["a", "b"],
        }),
      ),
      under(
        etcd,
        planned("aws:ec2/instance:Instance", "etcd-0", {
          instanceType: "m7i.large",
          rootBlockDevice: { volumeSize: 16, volumeType: "gp3" },
        }),
      ),
      under(
        etcd,
        planned("aws:ebs/volume:Volume", "etcd-0-data", {
          size: 20,
          type: "gp3",
          iops: 3000,
          throughput: 125,
        }),
      ),
      under(etcd, planned("aws:route53/zone:Zone", "etcd-zone", {})),
      under(k8s, planned("aws:eks/cluster:Cluster", "k8s", {})),
      under(
        k8s,
        planned("aws:eks/nodeGroup:NodeGroup", "spot", {
          capacityType: "SPOT",
          instanceTypes: ["m7i.large"],
          scalingConfig: { desiredSize: 2 },
          diskSize: 30,
        }),
      ),
    ];
    const cost = estimateCost(resources, REGION);
    const hand = {
      network: 0.048 * H + 0.005 * H + 0.011 * H * 2,
      etcd: 0.1118 * H + 16 * 0.088 + 20 * 0.088 + 0.5,
      // The spot node group's instances are unpriced; its root volumes are not.
      kubernetes: 0.1 * H + 2 * 30 * 0.088,
    };
    for (const [name, usd] of Object.entries(hand))
      assert.ok(
        Math.abs(cost.byComponent[name] - usd) < 0.02,
        `${name}: ${cost.byComponent[name]} vs ${usd}`,
      );
    assert.ok(Math.abs(cost.monthlyUsd - (hand.network + hand.etcd + hand.kubernetes)) < 0.05);
    assert.equal(cost.byLine["public IPv4"], Math.round(0.005 * H * 100) / 100);
    assert.equal(cost.byLine["hosted zones"], 0.5);
    assert.deepEqual(
      cost.unpriced.map((u) => [u.component, u.name]),
      [["kubernetes", "spot"]],
    );
    assert.match(cost.unpriced[0].reason, /spot/);
    assert.ok(cost.excluded.some((e) => /data processed/.test(e)));
  });

  test("volumes pods claim cost EBS GB per replica when their class provisions EBS; others are unpriced", () => {
    const gp3 = planned("kubernetes:storage.k8s.io/v1:StorageClass", "gp3", {
      metadata: { name: "gp3", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
      provisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3" },
    });
    const influx = planned("kubernetes:apps/v1:StatefulSet", "influxdb", {
      spec: {
        replicas: 2,
        volumeClaimTemplates: [
          { spec: { storageClassName: "gp3", resources: { requests: { storage: "100Gi" } } } },
        ],
      },
    });
    const claim = planned("kubernetes:core/v1:PersistentVolumeClaim", "scratch", {
      spec: { resources: { requests: { storage: "1Ti" } } },
    });
    const efs = planned("kubernetes:core/v1:PersistentVolumeClaim", "shared", {
      spec: { storageClassName: "efs", resources: { requests: { storage: "10Gi" } } },
    });
    const cost = estimateCost([gp3, influx, claim, efs], REGION);
    assert.equal(cost.byLine["EBS GB"], Math.round((2 * 100 + 1024) * table.ebs.gp3GbMonth * 100) / 100);
    assert.deepEqual(
      cost.unpriced.map((u) => u.name),
      ["shared"],
    );
  });

  test("an internet-facing NLB pays a public IPv4 address per subnet", () => {
    const nlb = (internal: boolean) =>
      estimateCost(
        [
          planned("aws:lb/loadBalancer:LoadBalancer", "edge", {
            loadBalancerType: "network",
            internal,
            subnets: ["a", "b", "c"],
          }),
        ],
        REGION,
      );
    assert.ok(
      Math.abs(nlb(false).monthlyUsd - nlb(true).monthlyUsd - 3 * table.hourly.publicIpv4 * H) < 0.02,
    );
  });

  test("what has no price is listed, never zero: a type missing from the table, a region without one", () => {
    const odd = estimateCost(
      [planned("aws:ec2/instance:Instance", "big", { instanceType: "m7i.48xlarge" })],
      REGION,
    );
    assert.equal(odd.unpriced.length, 1);
    assert.match(odd.unpriced[0].reason, /m7i\.48xlarge/);
    const nowhere = estimateCost([planned("aws:eks/cluster:Cluster", "k8s", {})], "ap-south-2");
    assert.equal(nowhere.monthlyUsd, 0);
    assert.match(nowhere.unpriced[0].reason, /no price table for region ap-south-2/);
  });

  test("the delta is new minus base per component", () => {
    const one = estimateCost([planned("aws:ec2/natGateway:NatGateway", "a", {})], REGION);
    const two = estimateCost(
      [planned("aws:ec2/natGateway:NatGateway", "a", {}), planned("aws:ec2/natGateway:NatGateway", "b", {})],
      REGION,
    );
    const delta = costDelta(one, two);
    assert.equal(delta.monthlyUsd, Math.round(0.048 * H * 100) / 100);
    assert.deepEqual(Object.keys(delta.byComponent), ["stack"]);
  });
});
