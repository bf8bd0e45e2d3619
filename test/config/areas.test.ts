// The configuration areas (components/config/areas/*): for each value a user may get wrong, the key
// path and the message they read, and the edge values that must still be accepted. Messages are
// the ones the stack configuration promises (docs/configuration.md): a path and what was expected.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { z } from "zod";
import { areaSchemas } from "../../components/config/schema";
import { ETCD_RELEASES } from "../../components/etcd/releases";

type Area = keyof typeof areaSchemas;

/** Every problem of one area's value, as "path: message" (path "" for the area itself). */
function problemsOf(area: Area, value: unknown): string[] {
  const result = (areaSchemas[area] as z.ZodType).safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

function parsed<A extends Area>(area: A, value: unknown): z.infer<(typeof areaSchemas)[A]> {
  const result = (areaSchemas[area] as z.ZodType).safeParse(value);
  assert.ok(result.success, `${area} ${JSON.stringify(value)} refused: ${result.error?.message}`);
  return result.data as z.infer<(typeof areaSchemas)[A]>;
}

/** Refused with exactly one problem: at `path`, with `message` when the area states its own. */
function refuses(area: Area, value: unknown, path: string, message?: string): void {
  const found = problemsOf(area, value);
  assert.equal(found.length, 1, `${area} ${JSON.stringify(value)}: ${JSON.stringify(found)}`);
  if (message === undefined)
    assert.ok(found[0].startsWith(`${path}: `), `${area}: ${found[0]}, expected ${path}`);
  else assert.equal(found[0], `${path}: ${message}`);
}

const resources = { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } };
const app = {
  host: "shop.example.com",
  live: "blue",
  blue: { image: "registry.example.com/shop:1.0.0" },
  green: { image: "registry.example.com/shop:1.1.0" },
  resources,
};
const withImage = (image: string) => ({ shop: { ...app, blue: { image } } });
const DIGEST = `registry.example.com/shop@sha256:${"0123456789abcdef".repeat(4)}`;

describe("configuration area: kubernetes", () => {
  test("ports are TCP ports and port ranges run upwards", () => {
    for (const port of [0, 65536])
      refuses(
        "kubernetes",
        { webhookPorts: [port] },
        "webhookPorts.0",
        `expected a TCP port 1-65535, got ${port}`,
      );
    assert.deepEqual(parsed("kubernetes", { webhookPorts: [1, 65535] }).webhookPorts, [1, 65535]);
    refuses(
      "kubernetes",
      { haproxyPorts: [{ from: 9000, to: 8999 }] },
      "haproxyPorts.0",
      "expected from <= to",
    );
    const ranges = [
      { from: 9000, to: 9000 },
      { from: 8000, to: 8100 },
    ];
    assert.deepEqual(parsed("kubernetes", { haproxyPorts: ranges }).haproxyPorts, ranges);
  });

  test("add-on versions are EKS build versions", () => {
    const message = "expected an add-on version such as v1.19.5-eksbuild.1";
    for (const v of [
      "v1.19.5",
      "1.19.5-eksbuild.1",
      "v1.19.5-eksbuild.1-rc",
      "v1.19-eksbuild.1",
      "xv1.19.5-eksbuild.1",
    ])
      refuses("kubernetes", { addonVersions: { coredns: v } }, "addonVersions.coredns", message);
    const versions = { coredns: "v1.12.4-eksbuild.1", "vpc-cni": "v10.19.50-eksbuild.12" };
    assert.deepEqual(parsed("kubernetes", { addonVersions: versions }).addonVersions, versions);
  });

  test("taints: label-style key, value up to 63 characters, one of the three effects", () => {
    const taint = { key: "example.com/gpu", value: "true", effect: "NO_SCHEDULE" };
    const group = (t: object) => ({ nodeGroups: { gpu: { taints: [{ ...taint, ...t }] } } });
    for (const key of ["Gpu", "gpu!", "!gpu", "x".repeat(254)])
      refuses(
        "kubernetes",
        group({ key }),
        "nodeGroups.gpu.taints.0.key",
        "expected a label-style taint key",
      );
    refuses("kubernetes", group({ value: "v".repeat(64) }), "nodeGroups.gpu.taints.0.value");
    refuses("kubernetes", group({ effect: "NoSchedule" }), "nodeGroups.gpu.taints.0.effect");
    for (const effect of ["NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"]) {
      const t = { key: "x".repeat(253), value: "v".repeat(63), effect };
      assert.deepEqual(parsed("kubernetes", group(t)).nodeGroups.gpu.taints, [t]);
    }
    const { value, ...noValue } = taint;
    assert.ok(value);
    assert.deepEqual(parsed("kubernetes", group({})).nodeGroups.gpu.taints, [taint]);
    const bare = parsed("kubernetes", { nodeGroups: { gpu: { taints: [noValue] } } });
    assert.deepEqual(bare.nodeGroups.gpu.taints, [{ ...noValue, value: "" }]);
  });

  test("node groups: sizes ordered min <= desired <= max, one CPU architecture, at least one type", () => {
    const sized = (s: object) => ({ nodeGroups: { general: s } });
    const order = "expected minSize <= desiredSize <= maxSize";
    refuses("kubernetes", sized({ minSize: 4, desiredSize: 3 }), "nodeGroups.general", order);
    refuses("kubernetes", sized({ desiredSize: 10, maxSize: 9 }), "nodeGroups.general", order);
    const equal = parsed("kubernetes", sized({ minSize: 2, desiredSize: 2, maxSize: 2 })).nodeGroups.general;
    assert.deepEqual([equal.minSize, equal.desiredSize, equal.maxSize], [2, 2, 2]);
    refuses(
      "kubernetes",
      sized({ instanceTypes: ["m7g.xlarge", "m7i.xlarge"] }),
      "nodeGroups.general.instanceTypes",
      "expected instance types of one CPU architecture (all Graviton or all x86)",
    );
    refuses("kubernetes", sized({ instanceTypes: [] }), "nodeGroups.general.instanceTypes");
    const types = ["m7g.xlarge", "c7g.2xlarge"];
    const graviton = parsed("kubernetes", sized({ instanceTypes: types, capacityType: "SPOT" }));
    assert.deepEqual(graviton.nodeGroups.general.instanceTypes, types);
    assert.equal(graviton.nodeGroups.general.capacityType, "SPOT");
    assert.equal(parsed("kubernetes", sized({})).nodeGroups.general.capacityType, "ON_DEMAND");
  });

  test("the Kubernetes version is a minor version such as 1.33", () => {
    const message = "expected a Kubernetes minor version such as 1.33";
    for (const version of ["1.3", "v1.33", "1.33.1", "2.33"])
      refuses("kubernetes", { version }, "version", message);
    assert.equal(parsed("kubernetes", { version: "1.34" }).version, "1.34");
  });

  test("a public endpoint must name the ranges that may call it", () => {
    refuses(
      "kubernetes",
      { endpointPublicAccess: true },
      "publicAccessCidrs",
      "expected at least one publicAccessCidrs entry when endpointPublicAccess is true",
    );
    const open = parsed("kubernetes", { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] });
    assert.deepEqual(open.publicAccessCidrs, ["203.0.113.0/24"]);
    assert.equal(parsed("kubernetes", { endpointPublicAccess: false }).endpointPublicAccess, false);
  });
});

describe("configuration area: apps", () => {
  test("images carry a tag or a digest, never :latest", () => {
    for (const image of ["shop", "Registry.example.com/shop:1.0", "shop:1.0!", "shop@sha256:abc"])
      refuses(
        "apps",
        withImage(image),
        "shop.blue.image",
        `expected an image with a tag or digest, got ${JSON.stringify(image)}`,
      );
    refuses(
      "apps",
      withImage("registry.example.com/shop:latest"),
      "shop.blue.image",
      "expected a pinned image tag, not :latest",
    );
    for (const image of [DIGEST, "registry.example.com/shop:latest-2", "shop:1.0.0_rc.1"])
      assert.equal(parsed("apps", withImage(image)).shop.blue.image, image);
  });

  test("the container port is unprivileged", () => {
    for (const port of [1023, 65536])
      refuses(
        "apps",
        { shop: { ...app, port } },
        "shop.port",
        `expected an unprivileged port 1024-65535, got ${port}`,
      );
    for (const port of [1024, 65535])
      assert.equal(parsed("apps", { shop: { ...app, port } }).shop.port, port);
  });

  test("minHealthy is at most the live colour's replicas", () => {
    const message = "expected minHealthy <= replicas of the live colour";
    const green = { image: "registry.example.com/shop:1.1.0", replicas: 4 };
    refuses("apps", { shop: { ...app, minHealthy: 3 } }, "shop.minHealthy", message);
    assert.equal(parsed("apps", { shop: { ...app, minHealthy: 2 } }).shop.minHealthy, 2);
    // Counted on the live colour: 4 green replicas allow 4 healthy when green is live, not when blue is.
    assert.equal(
      parsed("apps", { shop: { ...app, green, live: "green", minHealthy: 4 } }).shop.minHealthy,
      4,
    );
    refuses("apps", { shop: { ...app, green, live: "blue", minHealthy: 4 } }, "shop.minHealthy", message);
    assert.equal(parsed("apps", { shop: { ...app, idleReplicas: 1 } }).shop.idleReplicas, 1);
  });
});

describe("configuration area: etcd", () => {
  test("members and initial members are 3 or 5, founders never more than members", () => {
    const quorum = "(an odd quorum that survives one or two losses)";
    refuses("etcd", { members: 4 }, "members", `expected 3 or 5 members ${quorum}, got 4`);
    refuses(
      "etcd",
      { members: 5, initialMembers: 4 },
      "initialMembers",
      `expected 3 or 5 initial members ${quorum}, got 4`,
    );
    refuses(
      "etcd",
      { members: 3, initialMembers: 5 },
      "initialMembers",
      "expected initialMembers <= members (members are only ever added after the founding ones)",
    );
    const grown = parsed("etcd", { members: 5, initialMembers: 3 });
    assert.deepEqual([grown.members, grown.initialMembers], [5, 3]);
  });

  test("the etcd version must have a pinned checksum", () => {
    const pinned = Object.keys(ETCD_RELEASES);
    refuses(
      "etcd",
      { version: "3.4.0" },
      "version",
      `expected an etcd release with a pinned checksum (${pinned.join(", ")}), got "3.4.0"`,
    );
    for (const version of pinned) assert.equal(parsed("etcd", { version }).version, version);
  });

  test("data volume and backup settings within their bounds", () => {
    const volume = { sizeGiB: 1024, iops: 16000, throughputMiBps: 1000 };
    assert.deepEqual(parsed("etcd", { dataVolume: volume }).dataVolume, volume);
    const schedule = "Mon..Fri *-*-* 02:00:00";
    assert.equal(parsed("etcd", { backup: { schedule } }).backup.schedule, schedule);
    for (const bad of ["hourly; rm -rf /", ";hourly", "hourly\n"])
      refuses(
        "etcd",
        { backup: { schedule: bad } },
        "backup.schedule",
        "expected a systemd OnCalendar expression",
      );
    for (const bad of [
      "arn:aws:iam::123456789012:user/ci",
      "arn:aws:iam::12345:role/ci",
      "arn:aws:iam::abcdefghijkl:role/ci",
      "xarn:aws:iam::123456789012:role/ci",
      "arn:aws:iam::123456789012:role/ci deployer",
      "arn:aws:iam::123456789012:role/",
    ])
      refuses(
        "etcd",
        { deployRunnerRoleArns: [bad] },
        "deployRunnerRoleArns.0",
        "expected an IAM role ARN (arn:aws:iam::<account>:role/<name>)",
      );
    const roles = [
      "arn:aws:iam::123456789012:role/ci",
      "arn:aws-us-gov:iam::123456789012:role/path/to/ci+x=y,z.w@v-1",
    ];
    assert.deepEqual(parsed("etcd", { deployRunnerRoleArns: roles }).deployRunnerRoleArns, roles);
  });
});

describe("configuration area: databases", () => {
  test("identifiers, engine, versions and AMI ids name what was expected", () => {
    refuses(
      "databases",
      { mysql: { database: "App" } },
      "mysql.database",
      'expected a lower-case identifier (a-z, 0-9, _; starts with a letter; max 32), got "App"',
    );
    refuses("databases", { mysql: { engine: "postgres" } }, "mysql.engine", "expected mysql or mariadb");
    refuses(
      "databases",
      { mysql: { engine: "mariadb", version: "8.4" } },
      "mysql.version",
      'mariadb supports 11.8, got "8.4"',
    );
    assert.equal(parsed("databases", { mysql: { engine: "mariadb" } }).mysql.version, "11.8");
    refuses(
      "databases",
      { mongodb: { version: "6.0" } },
      "mongodb.version",
      "expected a MongoDB version: 7.0, 8.0",
    );
    refuses(
      "databases",
      { mongodb: { members: 4 } },
      "mongodb.members",
      "expected 3 or 5 replica set members",
    );
    refuses(
      "databases",
      { mongodb: { ami: "ami-123" } },
      "mongodb.ami",
      'expected an AMI id such as ami-0abc12345def67890, got "ami-123"',
    );
    refuses("databases", { mysql: { volume: { type: "gp2" } } }, "mysql.volume.type", "expected gp3 or io2");
  });

  test("identifiers, AMI ids and member names are matched whole", () => {
    const identifierMessage = (v: string) =>
      `expected a lower-case identifier (a-z, 0-9, _; starts with a letter; max 32), got ${JSON.stringify(v)}`;
    for (const v of ["app!", "1app", "a".repeat(33)])
      refuses("databases", { mongodb: { appUser: v } }, "mongodb.appUser", identifierMessage(v));
    assert.equal(
      parsed("databases", { mongodb: { appUser: "a".repeat(32) } }).mongodb.appUser,
      "a".repeat(32),
    );
    for (const ami of [
      "ami-1234567",
      "ami-0abc12345def678901",
      "xami-12345678",
      "ami-12345678x",
      "ami-ABCDEF12",
    ])
      refuses(
        "databases",
        { mysql: { ami } },
        "mysql.ami",
        `expected an AMI id such as ami-0abc12345def67890, got ${JSON.stringify(ami)}`,
      );
    for (const ami of ["ami-12345678", "ami-0abc12345def67890"])
      assert.equal(parsed("databases", { mysql: { ami } }).mysql.ami, ami);
    for (const primary of ["xmysql-0", "mysql-0x", "mysql-10"])
      refuses("databases", { mysql: { primary } }, "mysql.primary", "expected a member name such as mysql-0");
  });

  test("the primary is a member that exists", () => {
    refuses(
      "databases",
      { mysql: { primary: "mysql-x" } },
      "mysql.primary",
      "expected a member name such as mysql-0",
    );
    refuses(
      "databases",
      { mysql: { replicas: 2, primary: "mysql-3" } },
      "mysql.primary",
      "mysql-3 does not exist with 2 replica(s) (members mysql-0..mysql-2)",
    );
    assert.equal(
      parsed("databases", { mysql: { replicas: 2, primary: "mysql-2" } }).mysql.primary,
      "mysql-2",
    );
  });

  test("volume IOPS and throughput within EBS limits, at the limit accepted", () => {
    refuses(
      "databases",
      { mysql: { volume: { sizeGiB: 20, iops: 10001, throughputMiBps: 125 } } },
      "mysql.volume.iops",
      "gp3 of 20 GiB allows at most 10000 IOPS, got 10001",
    );
    const gp3 = { type: "gp3", sizeGiB: 20, iops: 10000, throughputMiBps: 1000 };
    assert.deepEqual(parsed("databases", { mysql: { volume: gp3 } }).mysql.volume, gp3);
    refuses(
      "databases",
      { mongodb: { volume: { iops: 3000, throughputMiBps: 751 } } },
      "mongodb.volume.throughputMiBps",
      "gp3 with 3000 IOPS allows at most 750 MiB/s, got 751",
    );
    // gp3 throughput up to a quarter of the IOPS, inclusive; io2 has no such cap.
    const quarter = { type: "gp3", sizeGiB: 100, iops: 3000, throughputMiBps: 750 };
    assert.deepEqual(parsed("databases", { mysql: { volume: quarter } }).mysql.volume, quarter);
    const io2Fast = { type: "io2", sizeGiB: 100, iops: 3000, throughputMiBps: 1000 };
    assert.deepEqual(parsed("databases", { mysql: { volume: io2Fast } }).mysql.volume, io2Fast);
    const io2 = { type: "io2", sizeGiB: 64, iops: 64000, throughputMiBps: 1000 };
    assert.deepEqual(parsed("databases", { mongodb: { volume: io2 } }).mongodb.volume, io2);
    refuses(
      "databases",
      { mongodb: { volume: { type: "io2", sizeGiB: 20, iops: 20001 } } },
      "mongodb.volume.iops",
      "io2 of 20 GiB allows at most 20000 IOPS, got 20001",
    );
  });
});

describe("configuration area: edge", () => {
  test("the live fleet's sizes are ordered min <= desired <= max", () => {
    const message = "expected live.minSize <= live.desiredCapacity <= live.maxSize";
    refuses("edge", { live: { minSize: 4, desiredCapacity: 3 } }, "live", message);
    refuses("edge", { live: { desiredCapacity: 7, maxSize: 6 } }, "live", message);
    const live = { minSize: 3, desiredCapacity: 3, maxSize: 3 };
    assert.deepEqual(parsed("edge", { live, idleFleetSize: 2 }).live, live);
    assert.equal(parsed("edge", { idleFleetSize: 2 }).idleFleetSize, 2);
  });
});

describe("configuration area: network", () => {
  test("azCount and natGateways say what is allowed", () => {
    for (const azCount of [1, 7, 2.5, "3"])
      refuses(
        "network",
        { azCount },
        "azCount",
        `expected a whole number of AZs from 2 to 6, got ${JSON.stringify(azCount)}`,
      );
    refuses(
      "network",
      { natGateways: "both" },
      "natGateways",
      'expected one of perAz | single | none, got "both"',
    );
    for (const natGateways of ["perAz", "single", "none"])
      assert.equal(parsed("network", { natGateways }).natGateways, natGateways);
  });

  test("flow logs record all traffic unless told otherwise", () => {
    assert.equal(parsed("network", {}).flowLogs.trafficType, "ALL");
    for (const trafficType of ["ACCEPT", "REJECT"])
      assert.equal(parsed("network", { flowLogs: { trafficType } }).flowLogs.trafficType, trafficType);
  });
});

describe("configuration areas: logging and monitoring", () => {
  test("the Kafka topic is a valid topic name", () => {
    for (const topic of ["logs!", "!logs", "", "l".repeat(250)])
      refuses("logging", { kafka: { topic } }, "kafka.topic", "expected a Kafka topic name");
    assert.equal(parsed("logging", { kafka: { topic: "app.logs-v2_x" } }).kafka.topic, "app.logs-v2_x");
  });

  test("Grafana may be given a host name", () => {
    assert.equal(
      parsed("monitoring", { grafana: { host: "grafana.example.com" } }).grafana.host,
      "grafana.example.com",
    );
  });
});

describe("configuration area: review", () => {
  test("allowDestroy names resources: an empty name is refused", () => {
    refuses("review", { allowDestroy: ["etcd-0-data", ""] }, "allowDestroy.1");
    assert.deepEqual(parsed("review", { allowDestroy: ["etcd-0-data"] }).allowDestroy, ["etcd-0-data"]);
  });
});

describe("configuration area: monitoring contact points", () => {
  const smtp = {
    host: "smtp.example.com:587",
    user: "alerts",
    password: "s3cret",
    fromAddress: "grafana@example.com",
  };
  const email = (e: object) => ({
    alerts: { contactPoints: { email: { addresses: ["ops@example.com"], smtp, ...e } } },
  });
  const contacts = (m: ReturnType<typeof email>) => parsed("monitoring", m).alerts.contactPoints;

  test("e-mail needs addresses and an SMTP relay as host:port", () => {
    assert.deepEqual(contacts(email({ addresses: ["a@example.com", "b@example.com"] })).email?.addresses, [
      "a@example.com",
      "b@example.com",
    ]);
    refuses("monitoring", email({ addresses: [] }), "alerts.contactPoints.email.addresses");
    refuses(
      "monitoring",
      email({ addresses: ["ops"] }),
      "alerts.contactPoints.email.addresses.0",
      "expected an e-mail address",
    );
    for (const host of [
      "smtp.example.com",
      "smtp.example.com:",
      "smtp.example.com:123456",
      "Smtp.example.com:587",
      ":587",
      "smtp.example.com:587 x",
    ])
      refuses(
        "monitoring",
        email({ smtp: { ...smtp, host } }),
        "alerts.contactPoints.email.smtp.host",
        "expected host:port of an SMTP relay",
      );
    assert.equal(contacts(email({ smtp: { ...smtp, host: "10.0.0.5:25" } })).email?.smtp.host, "10.0.0.5:25");
    refuses("monitoring", email({ smtp: { ...smtp, user: "" } }), "alerts.contactPoints.email.smtp.user");
    refuses(
      "monitoring",
      email({ smtp: { ...smtp, password: "" } }),
      "alerts.contactPoints.email.smtp.password",
      "expected a non-empty value (set it with --secret)",
    );
    refuses(
      "monitoring",
      email({ smtp: { ...smtp, fromAddress: "grafana" } }),
      "alerts.contactPoints.email.smtp.fromAddress",
      "expected an e-mail address",
    );
  });

  test("Slack needs a webhook URL", () => {
    const slack = (webhookUrl: string) => ({ alerts: { contactPoints: { slack: { webhookUrl } } } });
    assert.equal(
      parsed("monitoring", slack("https://hooks.slack.com/x")).alerts.contactPoints.slack?.webhookUrl,
      "https://hooks.slack.com/x",
    );
    refuses(
      "monitoring",
      slack(""),
      "alerts.contactPoints.slack.webhookUrl",
      "expected a non-empty value (set it with --secret)",
    );
  });
});
