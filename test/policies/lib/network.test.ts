// Security-group ingress as the network policies read it (policies/lib/network.ts): the three ways
// to declare it in one shape, which ports a rule opens, and which ranges are public.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  INGRESS_RULE,
  SECURITY_GROUP,
  SECURITY_GROUP_RULE,
  ingressOf,
  isPublicCidr,
  onlyPorts,
  opensPort,
  portsLabel,
  type Ingress,
} from "../../../policies/lib/network";

const tcp = (fromPort: number, toPort = fromPort): Ingress => ({
  protocol: "tcp",
  fromPort,
  toPort,
  cidrs: [],
});

describe("security-group ingress in one shape", () => {
  it("reads inline ingress, ingress-type rules and VPC ingress rules alike", () => {
    const inline = ingressOf(SECURITY_GROUP, {
      ingress: [
        { protocol: "TCP", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] },
        { fromPort: 0, toPort: 0, cidrBlocks: ["10.0.0.0/8"] },
      ],
    });
    assert.deepEqual(inline, [
      { protocol: "tcp", fromPort: 443, toPort: 443, cidrs: ["0.0.0.0/0", "::/0"] },
      { protocol: "-1", fromPort: 0, toPort: 0, cidrs: ["10.0.0.0/8"] },
    ]);
    const rule = { protocol: "tcp", fromPort: 22, cidrBlocks: ["203.0.113.0/24"] };
    assert.deepEqual(ingressOf(SECURITY_GROUP_RULE, { ...rule, type: "ingress" }), [
      { protocol: "tcp", fromPort: 22, toPort: 22, cidrs: ["203.0.113.0/24"] },
    ]);
    assert.deepEqual(ingressOf(SECURITY_GROUP_RULE, { ...rule, type: "egress" }), []);
    assert.deepEqual(
      ingressOf(INGRESS_RULE, { ipProtocol: "udp", fromPort: 53, toPort: 53, cidrIpv6: "::/0" }),
      [{ protocol: "udp", fromPort: 53, toPort: 53, cidrs: ["::/0"] }],
    );
    assert.deepEqual(ingressOf("aws:ec2/instance:Instance", { ingress: [rule] }), []);
  });

  it("protocol -1 or all opens every port; tcp and udp (by name or number) open their range", () => {
    for (const protocol of ["-1", "all"]) {
      assert.equal(opensPort({ protocol, fromPort: 0, toPort: 0, cidrs: [] }, 22), true, protocol);
      assert.equal(portsLabel({ protocol, fromPort: 0, toPort: 0, cidrs: [] }), "all traffic");
    }
    for (const protocol of ["tcp", "udp", "6", "17"]) {
      const range = { protocol, fromPort: 20, toPort: 25, cidrs: [] };
      assert.deepEqual(
        [19, 20, 22, 25, 26].map((p) => opensPort(range, p)),
        [false, true, true, true, false],
        protocol,
      );
    }
    assert.equal(opensPort({ protocol: "icmp", fromPort: 0, toPort: 65535, cidrs: [] }, 22), false);
    assert.equal(portsLabel(tcp(22)), "tcp/22");
    assert.equal(portsLabel(tcp(20, 25)), "tcp/20-25");
  });

  it("onlyPorts holds when every port of a TCP rule is listed", () => {
    assert.equal(onlyPorts(tcp(443), [80, 443]), true);
    assert.equal(onlyPorts(tcp(80, 81), [80, 443]), false);
    assert.equal(onlyPorts(tcp(442, 443), [80, 443]), false, "the first port counts");
    assert.equal(onlyPorts(tcp(443, 444), [80, 443]), false, "the last port counts");
    assert.equal(onlyPorts({ ...tcp(443), protocol: "6" }, [443]), true);
    for (const protocol of ["udp", "-1"])
      assert.equal(onlyPorts({ ...tcp(443), protocol }, [443]), false, protocol);
  });
});

describe("public and private ranges", () => {
  it("private: RFC 1918, CGNAT, loopback, link-local, IPv6 ULA and link-local, at or inside their size", () => {
    for (const cidr of [
      "127.0.0.1/32",
      "169.254.169.254/32",
      "100.127.255.255/32",
      "10.0.0.255/32",
      "10.1.2.3",
      "fc00::/7",
      "fd12::1",
      "fe80::/10",
      "fe80::1/64",
      "::1/128",
    ])
      assert.equal(isPublicCidr(cidr), false, cidr);
  });

  it("public: wider than a private range, beside one, or not an address at all", () => {
    for (const cidr of [
      "100.128.0.0/16",
      "126.0.0.0/8",
      "169.253.0.0/16",
      "fc00::/6",
      "fe80::/9",
      "fec0::/10",
      "::1/127",
      "10.0.0.256/32",
      "10.0.0.-1/32",
      "10.0.0/24",
      "10.0.0.1.5/32",
      "10.0.0.x/32",
    ])
      assert.equal(isPublicCidr(cidr), true, cidr);
  });
});
