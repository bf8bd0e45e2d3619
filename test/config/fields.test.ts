// The shared field types of the stack configuration (components/config/fields.ts) and the value
// checks behind them: what each accepts, and the exact message for what it refuses.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { z } from "zod";
import * as fields from "../../components/config/fields";
import {
  isColour,
  isDnsLabel,
  isHttpPath,
  isPort,
  isValidHostname,
  otherColour,
} from "../../model/validators";

function refusal(schema: z.ZodType, input: unknown): string {
  const result = schema.safeParse(input);
  assert.equal(result.success, false, `${JSON.stringify(input)} was accepted`);
  return result.error!.issues.map((i) => i.message).join("; ");
}

function accepts(schema: z.ZodType, input: unknown): void {
  const result = schema.safeParse(input);
  assert.ok(result.success, `${JSON.stringify(input)}: ${result.error?.message}`);
}

describe("configuration field types", () => {
  const cases: [string, z.ZodType, unknown[], [unknown, string][]][] = [
    [
      "hostname",
      fields.hostname(),
      ["shop.example.com", "a", "x-1.example.com"],
      [["Shop.example.com", 'expected a lower-case DNS name (no wildcards), got "Shop.example.com"']],
    ],
    ["colour", fields.colour, ["blue", "green"], [["red", 'expected "blue" or "green", got "red"']]],
    [
      "dnsLabel",
      fields.dnsLabel,
      ["shop", "a1", "web-2"],
      [["-shop", `expected a DNS-1123 label (a-z, 0-9, inner '-', max 63), got "-shop"`]],
    ],
    [
      "httpPath",
      fields.httpPath,
      ["/healthz", "/", "/a/b;c=d"],
      [["healthz", 'expected an absolute URL path without spaces or quotes, got "healthz"']],
    ],
    [
      "cidr",
      fields.cidr,
      ["203.0.113.0/24", "10.0.0.0/8"],
      [["10.0.0.0", 'expected an IPv4 CIDR such as 10.0.0.0/16, got "10.0.0.0"']],
    ],
    [
      "privateCidr",
      fields.privateCidr,
      ["10.0.0.0/16", "172.16.0.0/12", "192.168.0.0/24"],
      [["203.0.113.0/24", 'expected a private (RFC 1918) range, got "203.0.113.0/24"']],
    ],
    [
      "instanceType",
      fields.instanceType,
      // One family from each line of the list, every size form.
      [
        "m7i.large",
        "c7gn.16xlarge",
        "u-6tb1.metal",
        "g5g.xlarge",
        "m7i-flex.large",
        "x2gd.medium",
        "z1d.metal-24xl",
        "t4g.nano",
      ],
      [
        ["M7i.large", 'expected an EC2 instance type such as m7i.large, got "M7i.large"'],
        ["m9x.large", '"m9x" is not an EC2 instance family (in "m9x.large")'],
        ["m7i.huge", '"huge" is not an EC2 instance size (in "m7i.huge")'],
        ["m7i.superlarge", '"superlarge" is not an EC2 instance size (in "m7i.superlarge")'],
        ["m7i.largest", '"largest" is not an EC2 instance size (in "m7i.largest")'],
        ["z1d.metal-xl", '"metal-xl" is not an EC2 instance size (in "z1d.metal-xl")'],
        ["m7i", 'expected an EC2 instance type such as m7i.large, got "m7i"'],
        ["m7i.large ", 'expected an EC2 instance type such as m7i.large, got "m7i.large "'],
        [" m7i.large", 'expected an EC2 instance type such as m7i.large, got " m7i.large"'],
      ],
    ],
    [
      "cpuQuantity",
      fields.cpuQuantity,
      ["250m", "1", "1.5", "1.25", "16"],
      [
        ["1.", 'expected a CPU quantity such as 250m or 1, got "1."'],
        ["m", 'expected a CPU quantity such as 250m or 1, got "m"'],
        ["x1", 'expected a CPU quantity such as 250m or 1, got "x1"'],
        ["1x", 'expected a CPU quantity such as 250m or 1, got "1x"'],
      ],
    ],
    [
      "memoryQuantity",
      fields.memoryQuantity,
      ["256Mi", "1Gi", "512", "2G", "64Ki", "1Ti", "1k", "1M", "1T"],
      [
        ["256MB", 'expected a memory quantity such as 256Mi or 1Gi, got "256MB"'],
        ["Mi", 'expected a memory quantity such as 256Mi or 1Gi, got "Mi"'],
        [" 1Gi", 'expected a memory quantity such as 256Mi or 1Gi, got " 1Gi"'],
      ],
    ],
    [
      "arn",
      fields.arn,
      [
        "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
        "arn:aws-us-gov:iam::123456789012:role/x",
        "arn:aws:s3:::bucket",
      ],
      [
        ["arn:aws:acm", 'expected an AWS ARN, got "arn:aws:acm"'],
        [
          "arn:aws:sns:eu-west-1:123456789012:alerts\n",
          'expected an AWS ARN, got "arn:aws:sns:eu-west-1:123456789012:alerts\\n"',
        ],
        [
          "xarn:aws:acm:eu-west-1:123456789012:certificate/abc",
          'expected an AWS ARN, got "xarn:aws:acm:eu-west-1:123456789012:certificate/abc"',
        ],
        [
          "arn:aws:acm:eu-west-1:1234567890123:certificate/abc",
          'expected an AWS ARN, got "arn:aws:acm:eu-west-1:1234567890123:certificate/abc"',
        ],
        [
          "arn:aws:acm:eu-west-1:123456789012:",
          'expected an AWS ARN, got "arn:aws:acm:eu-west-1:123456789012:"',
        ],
      ],
    ],
    [
      "retentionDays",
      fields.retentionDays,
      [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 3653],
      [
        [2, "expected a CloudWatch Logs retention (1, 3, 5, 7, 14, 30, 60, 90, 180, 365, ...), got 2"],
        [3650, "expected a CloudWatch Logs retention (1, 3, 5, 7, 14, 30, 60, 90, 180, 365, ...), got 3650"],
      ],
    ],
  ];
  for (const [name, schema, good, bad] of cases) {
    test(`${name}: accepts ${good.map((g) => JSON.stringify(g)).join(", ")} and names what it refuses`, () => {
      for (const input of good) accepts(schema, input);
      for (const [input, message] of bad) assert.equal(refusal(schema, input), message);
    });
  }

  test("resources need a CPU and a memory quantity for both requests and limits", () => {
    const ok = { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "1Gi" } };
    accepts(fields.resources, ok);
    assert.match(refusal(fields.resources, { ...ok, limits: { cpu: "1" } }), /expected string/);
    assert.match(refusal(fields.resources, { ...ok, extra: {} }), /Unrecognized key/);
  });
});

describe("value checks", () => {
  test("hostnames: lower-case labels of at most 63 characters, 253 in all, no wildcard", () => {
    const label63 = "a".repeat(63);
    for (const ok of ["a.b", `${label63}.example.com`, "x--y.example.com", "1.example.com"])
      assert.equal(isValidHostname(ok), true, ok);
    const long = Array.from({ length: 4 }, () => label63).join("."); // 255 characters
    for (const bad of [
      "",
      `${"a".repeat(64)}.example.com`,
      long,
      "-a.example.com",
      "a-.example.com",
      "a..example.com",
      "a.example.com.",
      "*.example.com",
      "a_b.example.com",
      "shop.example.com\nbackend x",
    ])
      assert.equal(isValidHostname(bad), false, JSON.stringify(bad));
    assert.equal(
      isValidHostname(`${"a".repeat(61)}.${label63}.${label63}.${label63}`),
      true,
      "253 characters",
    );
  });

  test("DNS labels: a-z, 0-9 and inner hyphens, 1 to 63 characters", () => {
    for (const ok of ["a", "a1", "a-b", "1a", "a".repeat(63)]) assert.equal(isDnsLabel(ok), true, ok);
    for (const bad of ["", "-a", "a-", "A", "a.b", "a".repeat(64), "a\nb"])
      assert.equal(isDnsLabel(bad), false, JSON.stringify(bad));
  });

  test("HTTP paths: absolute, at most 256 characters, nothing that could break out of haproxy.cfg", () => {
    for (const ok of ["/", "/healthz", "/a-b_c.d~e/%20!$&()*+,;=:@", `/${"a".repeat(255)}`])
      assert.equal(isHttpPath(ok), true, ok);
    for (const bad of [
      "",
      "healthz",
      "/a b",
      "/a'b",
      '/a"b',
      "/a\nb",
      "/a?b",
      "/a#b",
      `/${"a".repeat(256)}`,
      "x/healthz",
    ])
      assert.equal(isHttpPath(bad), false, JSON.stringify(bad));
  });

  test("ports and colours", () => {
    for (const ok of [1, 80, 65535]) assert.equal(isPort(ok), true, String(ok));
    for (const bad of [0, 65536, 8080.5, "8080", -1]) assert.equal(isPort(bad), false, String(bad));
    assert.equal(isColour("blue"), true);
    assert.equal(isColour("green"), true);
    assert.equal(isColour("red"), false);
    assert.equal(otherColour("blue"), "green");
    assert.equal(otherColour("green"), "blue");
  });
});
