import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { formatCidr, overlaps, parseCidr } from "../../model/cidr";
import { azSlot, planSubnets, TIERS } from "../../components/network/subnets";

const azs = (n: number) => ["a", "b", "c", "d", "e", "f"].slice(0, n).map((l) => `eu-west-1${l}`);

describe("CIDR arithmetic", () => {
  test("parses and formats IPv4 CIDRs, rejecting host bits and bad octets", () => {
    assert.equal(formatCidr(parseCidr("10.20.0.0/16")!), "10.20.0.0/16");
    assert.equal(parseCidr("10.20.0.1/16"), undefined);
    assert.equal(parseCidr("10.256.0.0/16"), undefined);
    assert.equal(parseCidr("10.0.0.0/33"), undefined);
    assert.equal(parseCidr("ten/8"), undefined);
  });

  test("AZ slots come from the AZ letter", () => {
    assert.equal(azSlot("eu-west-1a"), 0);
    assert.equal(azSlot("us-east-1f"), 5);
    assert.throws(() => azSlot("eu-west-1z"), /letter a-h/);
  });
});

describe("subnet plan", () => {
  test("one subnet per tier per AZ, all inside the VPC and none overlapping", () => {
    const vpc = parseCidr("10.20.0.0/16")!;
    const plan = planSubnets("10.20.0.0/16", azs(6));
    assert.equal(plan.length, TIERS.length * 6);
    const cidrs = plan.map((s) => parseCidr(s.cidr)!);
    for (const c of cidrs)
      assert.ok(c.base >= vpc.base && c.base < vpc.base + 2 ** 16, `${formatCidr(c)} outside the VPC`);
    for (let i = 0; i < cidrs.length; i++) {
      for (let j = i + 1; j < cidrs.length; j++) {
        assert.ok(!overlaps(cidrs[i], cidrs[j]), `${plan[i].cidr} overlaps ${plan[j].cidr}`);
      }
    }
  });

  test("adding AZs never moves the subnets of existing AZs", () => {
    const before = planSubnets("10.20.0.0/16", azs(3));
    const after = planSubnets("10.20.0.0/16", azs(5));
    for (const subnet of before) {
      const same = after.find(
        (s) => s.tier === subnet.tier && s.availabilityZone === subnet.availabilityZone,
      );
      assert.equal(same?.cidr, subnet.cidr, `${subnet.tier}/${subnet.availabilityZone} moved`);
    }
  });

  test("an AZ keeps its subnets when another AZ is dropped or skipped", () => {
    const abc = planSubnets("10.20.0.0/16", ["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
    const ac = planSubnets("10.20.0.0/16", ["eu-west-1a", "eu-west-1c"]);
    const c = (plan: typeof abc) =>
      plan.filter((s) => s.availabilityZone === "eu-west-1c").map((s) => s.cidr);
    assert.deepEqual(c(ac), c(abc));
  });

  test("tier sizes: private subnets are the largest (pod addresses)", () => {
    const plan = planSubnets("10.20.0.0/16", azs(1));
    const prefix = (tier: string) => parseCidr(plan.find((s) => s.tier === tier)!.cidr)!.prefix;
    assert.equal(prefix("private"), 20);
    assert.equal(prefix("public"), 23);
    assert.equal(prefix("data"), 24);
  });

  test("a VPC too small for the tier layout is refused", () => {
    assert.throws(() => planSubnets("10.20.0.0/24", azs(2)), /smaller than AWS allows|too small/);
  });
});
