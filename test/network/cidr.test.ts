import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { contains, formatCidr, isPrivateCidr, overlaps, parseCidr, subdivide } from "../../model/cidr";
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

  test("the whole text must be a CIDR: nothing before or after, every octet at most 255", () => {
    for (const text of ["a10.0.0.0/16", "10.0.0.0/16x", "10.0.0.0/16 ", "10.0.0.0/160", "10.0.0.0"])
      assert.equal(parseCidr(text), undefined, JSON.stringify(text));
    assert.deepEqual(parseCidr("10.255.0.0/16"), { base: 0x0aff0000, prefix: 16 });
    assert.deepEqual(parseCidr("192.168.100.128/25"), { base: 0xc0a86480, prefix: 25 });
    assert.deepEqual(parseCidr("0.0.0.0/0"), { base: 0, prefix: 0 });
    assert.equal(parseCidr("0.0.0.1/0"), undefined);
  });

  test("containment and overlap are exact at the edges", () => {
    const c = (text: string) => parseCidr(text)!;
    assert.equal(contains(c("10.0.0.0/16"), c("10.0.0.0/16")), true, "a range contains itself");
    assert.equal(contains(c("10.0.0.0/16"), c("10.0.255.0/24")), true, "the last /24");
    assert.equal(contains(c("10.0.0.0/16"), c("10.1.0.0/24")), false, "the /24 just after");
    assert.equal(contains(c("10.0.0.0/16"), c("9.255.255.0/24")), false, "the /24 just before");
    assert.equal(contains(c("10.0.0.0/16"), c("10.0.0.0/8")), false, "a larger range");
    assert.equal(overlaps(c("10.1.0.0/16"), c("10.0.0.0/16")), false, "adjacent, after");
    assert.equal(overlaps(c("10.0.0.0/16"), c("10.1.0.0/16")), false, "adjacent, before");
    assert.equal(overlaps(c("10.0.0.0/8"), c("10.200.0.0/16")), true);
    assert.equal(overlaps(c("10.200.0.0/16"), c("10.0.0.0/8")), true);
    assert.equal(isPrivateCidr("172.31.0.0/16"), true);
    assert.equal(isPrivateCidr("172.32.0.0/16"), false);
    assert.equal(isPrivateCidr("nope"), false);
  });

  test("subdivide picks the n-th block and refuses blocks outside the parent or below /28", () => {
    const parent = parseCidr("10.0.0.0/24")!;
    assert.equal(formatCidr(subdivide(parent, 2, 0)), "10.0.0.0/26");
    assert.equal(formatCidr(subdivide(parent, 2, 3)), "10.0.0.192/26");
    assert.equal(formatCidr(subdivide(parent, 4, 15)), "10.0.0.240/28", "/28 is allowed");
    assert.throws(() => subdivide(parent, 2, 4), /^Error: block 4 does not fit in 10\.0\.0\.0\/24$/);
    assert.throws(() => subdivide(parent, 2, -1), /^Error: block -1 does not fit in 10\.0\.0\.0\/24$/);
    assert.throws(
      () => subdivide(parent, 5, 0),
      /^Error: subnet prefix \/29 is smaller than AWS allows \(\/28\)$/,
    );
  });

  test("AZ slots come from the AZ letter", () => {
    assert.equal(azSlot("eu-west-1a"), 0);
    assert.equal(azSlot("us-east-1f"), 5);
    assert.equal(azSlot("us-gov-west-1b"), 1, "regions with several words");
    assert.equal(azSlot("eu-west-10h"), 7, "regions numbered past 9");
    for (const az of ["eu-west-1z", "1eu-west-1a", "eu-west-1ab", "eu-west-1a ", "eu-west-a"])
      assert.throws(
        () => azSlot(az),
        new RegExp(`^Error: availability zone ${JSON.stringify(az)} must end in a letter a-h$`),
        az,
      );
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

  test("an invalid VPC range is named", () => {
    assert.throws(() => planSubnets("10.20.0.0/33", azs(2)), /^Error: invalid VPC CIDR "10\.20\.0\.0\/33"$/);
  });
});
