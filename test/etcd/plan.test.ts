/**
 * The routing tier under Pulumi mocks (the real index.ts, offline): placement, security-group
 * rules, retained volumes, IMDSv2, no secrets in user-data, stable members when growing, and the
 * wiring of a fleet swap.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { STANDBY_PORT } from "../../components/edge/loadBalancer";
import { EDGE_REDIRECT_PORT } from "../../model/ports";
import { byName, ofType, planStack, plannedVariant, planVariant, type Plan } from "../helpers/plan";
import type { PlannedResource } from "../../scripts/lib/evaluate";
import { mockAmiId } from "../../scripts/lib/mocks";
import { userDataDocuments } from "../helpers/userData";

const INSTANCE = "aws:ec2/instance:Instance";
const ENI = "aws:ec2/networkInterface:NetworkInterface";
const VOLUME = "aws:ebs/volume:Volume";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const ASG = "aws:autoscaling/group:Group";
const LISTENER = "aws:lb/listener:Listener";
const GATE = "pulumi-nodejs:dynamic/switchyard-edge:FleetSwapGate";

const prod = planStack("prod");

const variant = (edit: Parameters<typeof plannedVariant>[1]) => plannedVariant("prod", edit);

/** "ingress 2379 from sg:switchyard-haproxy-id" style lines for every rule on a group. */
function rulesOf(plan: Plan, groupId: string): string[] {
  return [...ofType(plan, INGRESS), ...ofType(plan, EGRESS)]
    .filter((r) => r.inputs.securityGroupId === groupId)
    .map((r) => {
      const i = r.inputs;
      const ports = i.fromPort === i.toPort ? `${i.fromPort}` : `${i.fromPort}-${i.toPort}`;
      const peer = i.referencedSecurityGroupId ? `sg:${i.referencedSecurityGroupId}` : `cidr:${i.cidrIpv4}`;
      const dir = r.type === INGRESS ? "ingress" : "egress";
      return `${dir} ${i.ipProtocol} ${ports} ${dir === "ingress" ? "from" : "to"} ${peer}`;
    })
    .sort();
}

function memberOf(plan: Plan, type: string, name: string): PlannedResource {
  return byName(plan, type, name);
}

describe("etcd members under mocks", () => {
  test("prod: three members, one per AZ, in three distinct data subnets", () => {
    const enis = ["etcd-0", "etcd-1", "etcd-2"].map((n) => memberOf(prod, ENI, n));
    assert.equal(ofType(prod, INSTANCE).filter((r) => r.name.startsWith("etcd-")).length, 3);
    assert.deepEqual(
      enis.map((e) => e.inputs.subnetId),
      ["switchyard-data-eu-west-1a-id", "switchyard-data-eu-west-1b-id", "switchyard-data-eu-west-1c-id"],
    );
    for (const n of ["etcd-0", "etcd-1", "etcd-2"]) {
      const instance = memberOf(prod, INSTANCE, n);
      assert.deepEqual(
        instance.inputs.primaryNetworkInterface,
        { networkInterfaceId: `${n}-id` },
        `${n} runs on its fixed interface`,
      );
      assert.deepEqual(
        instance.options.ignoreChanges.sort(),
        ["ami", "instanceType", "userData"],
        `${n} is never replaced implicitly`,
      );
    }
    const volumeAzs = ["etcd-0", "etcd-1", "etcd-2"].map(
      (n) => memberOf(prod, VOLUME, `${n}-data`).inputs.availabilityZone,
    );
    assert.deepEqual(volumeAzs, ["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
  });

  test("data volumes are encrypted gp3, retained on delete and protected in every stack", () => {
    const staging = planStack("staging");
    for (const plan of [prod, staging]) {
      const volumes = ofType(plan, VOLUME).filter((v) => v.name.startsWith("etcd-"));
      assert.equal(volumes.length, 3);
      for (const v of volumes) {
        assert.equal(v.inputs.encrypted, true, v.name);
        assert.equal(v.inputs.type, "gp3", v.name);
        assert.equal(v.options.retainOnDelete, true, `${plan.stack} ${v.name} retained`);
        assert.equal(v.options.protect, true, `${plan.stack} ${v.name} protect`);
      }
    }
    const attachment = byName(prod, "aws:ec2/volumeAttachment:VolumeAttachment", "etcd-1-data");
    assert.equal(attachment.inputs.volumeId, "etcd-1-data-id");
    assert.equal(attachment.inputs.instanceId, "etcd-1-id");
    // The database hosts have snapshot policies of their own (test/data/plan.test.ts).
    const policy = ofType(prod, "aws:dlm/lifecyclePolicy:LifecyclePolicy").find((p) =>
      p.name.startsWith("etcd"),
    )!;
    const targetTags = (policy.inputs.policyDetails as { targetTags: Record<string, string> }).targetTags;
    for (const v of ofType(prod, VOLUME).filter((x) => x.name.startsWith("etcd-"))) {
      for (const [k, val] of Object.entries(targetTags))
        assert.equal(
          (v.inputs.tags as Record<string, string>)[k],
          val,
          `${v.name} is covered by the snapshot policy`,
        );
    }
  });

  test("instances and launch templates require IMDSv2 (hop limit 1) and encrypt their root volume", () => {
    for (const i of ofType(prod, INSTANCE)) {
      assert.deepEqual(
        i.inputs.metadataOptions,
        { httpEndpoint: "enabled", httpPutResponseHopLimit: 1, httpTokens: "required" },
        i.name,
      );
      assert.equal((i.inputs.rootBlockDevice as { encrypted: boolean }).encrypted, true, i.name);
    }
    const templates = ofType(prod, "aws:ec2/launchTemplate:LaunchTemplate").filter((t) =>
      t.name.startsWith("edge-"),
    );
    assert.equal(templates.length, 2);
    for (const t of templates) {
      assert.deepEqual(
        t.inputs.metadataOptions,
        { httpEndpoint: "enabled", httpPutResponseHopLimit: 1, httpTokens: "required" },
        t.name,
      );
      const root = (t.inputs.blockDeviceMappings as { ebs: { encrypted: string } }[])[0];
      assert.equal(root.ebs.encrypted, "true", t.name);
    }
  });

  test("the AL2023 AMI lookups pin the owner", () => {
    // The mock derives each AMI id from its lookup's arguments: an id names the lookup that chose it.
    const lookups = new Map(
      prod.lookups
        .filter((l) => l.token === "aws:ec2/getAmi:getAmi")
        .map((l) => [mockAmiId(l.inputs), l.inputs]),
    );
    const hosts = [
      ...ofType(prod, INSTANCE),
      ...ofType(prod, "aws:ec2/launchTemplate:LaunchTemplate").filter((t) => t.name.startsWith("edge-")),
    ];
    assert.ok(hosts.length >= 5, "etcd members and both edge fleets");
    for (const r of hosts) {
      const lookup = lookups.get(String(r.inputs.ami ?? r.inputs.imageId));
      assert.ok(lookup, `${r.name} uses an AMI the program looked up`);
      assert.deepEqual(lookup.owners, ["amazon"], `${r.name}: the lookup pins the owner`);
      assert.equal(lookup.mostRecent, true, r.name);
      const filters = Object.fromEntries(
        (lookup.filters as { name: string; values: string[] }[]).map((f) => [f.name, f.values]),
      );
      assert.match(filters.name[0], /^al2023-ami-2023\.\*-kernel-\*-(x86_64|arm64)$/, r.name);
      assert.deepEqual(filters.state, ["available"], r.name);
    }
  });
});

/** A stack without TLS: allowed outside production only. */
const plainHttp = variant((c) => {
  c["switchyard:environment"] = "staging";
  delete c["switchyard:edge"].tls;
});
/** TLS from an existing certificate, port 80 closed. */
const refused = variant((c) => {
  c["switchyard:edge"].tls = {
    certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
    http: "refuse",
  };
});

describe("security-group rules exactly as specified", () => {
  // Runners reached some other way than network.deployRunners (whose ranges the key must cover).
  const cidrVariant = variant((c) => {
    delete c["switchyard:network"].deployRunners;
    c["switchyard:etcd"] = { ...c["switchyard:etcd"], deployRunnerCidrs: ["203.0.113.0/24"] };
  });

  test("etcd: 2380 only between members; 2379 only from HAProxy, nodes and deploy runners", () => {
    assert.deepEqual(rulesOf(prod, "switchyard-etcd-id"), [
      "egress tcp 2380 to sg:switchyard-etcd-id",
      "egress tcp 443 to cidr:0.0.0.0/0",
      // Telegraf on the members writes to InfluxDB through the monitoring NLB (docs/monitoring.md).
      "egress tcp 8086 to sg:monitoring-metrics-lb-id",
      // Fluent Bit on the members ships their journals through the hosts' Kafka NLB (docs/logging.md).
      "egress tcp 9094-9097 to sg:logging-kafka-lb-id",
      // prod's deploy runners (etcd.deployRunnerCidrs) write the apps' Routes.
      "ingress tcp 2379 from cidr:10.100.0.0/24",
      "ingress tcp 2379 from sg:switchyard-haproxy-id",
      "ingress tcp 2379 from sg:switchyard-nodes-id",
      "ingress tcp 2380 from sg:switchyard-etcd-id",
    ]);
    assert.ok(
      rulesOf(cidrVariant, "switchyard-etcd-id").includes("ingress tcp 2379 from cidr:203.0.113.0/24"),
    );
    assert.equal(rulesOf(cidrVariant, "switchyard-etcd-id").length, 8);
  });

  test("HAProxy hosts: only the load balancer reaches them; they reach etcd, pods and HTTPS", () => {
    assert.deepEqual(rulesOf(prod, "switchyard-haproxy-id"), [
      "egress tcp 1024-65535 to sg:switchyard-nodes-id",
      "egress tcp 2379 to sg:switchyard-etcd-id",
      "egress tcp 443 to cidr:0.0.0.0/0",
      "egress tcp 8086 to sg:monitoring-metrics-lb-id",
      "egress tcp 9094-9097 to sg:logging-kafka-lb-id",
      "ingress tcp 80 from sg:switchyard-loadBalancer-id",
      // prod redirects plain HTTP: the NLB's port 80 reaches HAProxy's 301-to-https port.
      `ingress tcp ${EDGE_REDIRECT_PORT} from sg:switchyard-loadBalancer-id`,
    ]);
  });

  test("load balancer: the internet on 443, and on 80 only to be redirected or served without TLS; out to HAProxy only", () => {
    assert.deepEqual(rulesOf(prod, "switchyard-loadBalancer-id"), [
      "egress tcp 80 to sg:switchyard-haproxy-id",
      `egress tcp ${EDGE_REDIRECT_PORT} to sg:switchyard-haproxy-id`,
      "ingress tcp 443 from cidr:0.0.0.0/0",
      "ingress tcp 80 from cidr:0.0.0.0/0",
    ]);
    assert.deepEqual(rulesOf(plainHttp, "switchyard-loadBalancer-id"), [
      "egress tcp 80 to sg:switchyard-haproxy-id",
      "ingress tcp 80 from cidr:0.0.0.0/0",
    ]);
    assert.deepEqual(rulesOf(refused, "switchyard-loadBalancer-id"), [
      "egress tcp 80 to sg:switchyard-haproxy-id",
      "ingress tcp 443 from cidr:0.0.0.0/0",
    ]);
    assert.ok(!rulesOf(refused, "switchyard-haproxy-id").some((r) => r.includes(String(EDGE_REDIRECT_PORT))));
  });
});

describe("no secret reaches user-data", () => {
  test("no user-data holds key material, certificates or passwords", () => {
    // The routing tier's hosts; the database hosts' user-data is checked in test/data and by the policy.
    const docs = userDataDocuments(prod).filter((d) => /^(etcd|edge)-/.test(d.owner.split(" ").pop()!));
    assert.equal(docs.length, 5, "3 etcd members and 2 fleet launch templates");
    for (const d of docs) {
      assert.match(d.text, /^#cloud-config\n/, d.owner);
      for (const pattern of [
        /BEGIN [A-Z ]+/,
        /PRIVATE KEY/,
        /MOCK-/,
        // A password assignment, unless it names an environment variable filled in at boot.
        /password\s*[:=](?!\s*"?\$\{)/i,
        /passwd/i,
        /mock-secret-value/,
      ]) {
        assert.doesNotMatch(d.text, pattern, `${d.owner} contains ${pattern}`);
      }
    }
  });

  test("the keys travel as Pulumi secrets into Secrets Manager, read by the instance roles", () => {
    // The routing tier's secrets; the database and monitoring ones are tested with their components.
    const versions = ofType(prod, "aws:secretsmanager/secretVersion:SecretVersion").filter((v) =>
      v.name.startsWith("etcd-"),
    );
    assert.deepEqual(versions.map((v) => v.name).sort(), [
      "etcd-0-tls",
      "etcd-1-tls",
      "etcd-2-tls",
      "etcd-agent-blue-tls",
      "etcd-agent-green-tls",
      "etcd-backup-tls",
      "etcd-deployer-tls",
      "etcd-registrar-tls",
    ]);
    for (const v of versions) assert.equal(v.inputs.secretString, "[secret]", `${v.name} is a Pulumi secret`);
    const member = JSON.parse(String(byName(prod, "aws:iam/rolePolicy:RolePolicy", "etcd-1").inputs.policy));
    assert.deepEqual(
      member.Statement.find((s: { Action: string }) => s.Action === "secretsmanager:GetSecretValue").Resource,
      [secretArn("etcd-1-tls"), secretArn("etcd-backup-tls")],
      "a member reads its own key and the backup identity's, nothing else",
    );
    for (const colour of ["blue", "green"]) {
      const fleet = JSON.parse(
        String(byName(prod, "aws:iam/rolePolicy:RolePolicy", `edge-${colour}`).inputs.policy),
      );
      const reads = fleet.Statement.filter(
        (s: { Action: string }) => s.Action === "secretsmanager:GetSecretValue",
      );
      assert.deepEqual(
        reads.map((s: { Resource: string }) => s.Resource),
        [
          secretArn(`etcd-agent-${colour}-tls`),
          [secretArn("monitoring-host-telegraf"), secretArn("monitoring-host-telegraf-ca")],
          secretArn("logging-host-logs"),
        ],
        `the ${colour} fleet reads its own agents' certificate, the hosts' Telegraf credentials and InfluxDB's CA, and Fluent Bit's credentials only`,
      );
    }
  });
});

const secretArn = (name: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret/${name}`;
const roleArn = (name: string) => `arn:aws:iam:eu-west-1:123456789012:role/${name}`;
const DEPLOYING = "arn:aws:iam::123456789012:user/mock";

describe("etcd identities: one certificate per role, each secret readable by its principal only", () => {
  test("no certificate in the plan is shared by two roles: every client CN is a distinct etcd user", () => {
    const requests = ofType(prod, "tls:index/certRequest:CertRequest");
    const cn = (r: PlannedResource) => (r.inputs.subject as { commonName: string }).commonName;
    // Client identities; the database members' and InfluxDB's certificates are server certificates
    // named by host (InfluxDB's by its Service), and OpenSearch's node and admin certificates come
    // from its own CA (docs/logging.md).
    const clients = requests.filter(
      (r) =>
        cn(r) !== "etcd-member" &&
        !cn(r).endsWith(".switchyard.internal") &&
        !r.urn.includes("switchyard:logging:Graylog$") &&
        r.name !== "monitoring-influxdb-tls",
    );
    assert.deepEqual(clients.map(cn).sort(), [
      "switchyard-agent-blue",
      "switchyard-agent-green",
      "switchyard-backup",
      "switchyard-deployer",
      "switchyard-registrar",
    ]);
    // One certificate each, signed once: no two secrets hold the same certificate.
    const signed = ofType(prod, "tls:index/locallySignedCert:LocallySignedCert");
    assert.equal(new Set(signed.map((s) => s.inputs.certRequestPem)).size, signed.length);
    assert.ok(!clients.some((r) => cn(r) === "root"), "the stack never issues a root certificate");
  });

  test("each secret's policy names only its principal (and the identity that deploys the stack)", () => {
    const expected: Record<string, string[]> = {
      "etcd-0-tls": [roleArn("etcd-0")],
      "etcd-1-tls": [roleArn("etcd-1")],
      "etcd-2-tls": [roleArn("etcd-2")],
      "etcd-backup-tls": ["etcd-0", "etcd-1", "etcd-2"].map(roleArn),
      "etcd-agent-blue-tls": [roleArn("edge-blue")],
      "etcd-agent-green-tls": [roleArn("edge-green")],
      // No AWS principal: the registrar's pods get their certificate as a Kubernetes Secret.
      "etcd-registrar-tls": [],
      // prod names no deploy runner roles: only the deploying identity reads it.
      "etcd-deployer-tls": [],
    };
    const policies = ofType(prod, "aws:secretsmanager/secretPolicy:SecretPolicy");
    assert.deepEqual(policies.map((p) => p.name).sort(), Object.keys(expected).sort());
    for (const p of policies) {
      assert.equal(p.inputs.secretArn, secretArn(p.name));
      const doc = JSON.parse(String(p.inputs.policy)) as { Statement: Record<string, unknown>[] };
      const allow = doc.Statement.filter((s) => s.Effect === "Allow");
      const deny = doc.Statement.filter((s) => s.Effect === "Deny");
      assert.deepEqual(
        allow.flatMap((s) => (s.Principal as { AWS: string[] }).AWS),
        expected[p.name],
        `${p.name}: allowed readers`,
      );
      assert.equal(deny.length, 1, `${p.name}: one deny for everyone else`);
      assert.equal(deny[0].Action, "secretsmanager:GetSecretValue");
      assert.deepEqual(
        (deny[0].Condition as { StringNotEquals: Record<string, string[]> }).StringNotEquals[
          "aws:PrincipalArn"
        ],
        [...expected[p.name], DEPLOYING],
        `${p.name}: everyone but its principal is denied`,
      );
    }
  });

  test("deploy runner roles named in config become the deployer secret's readers", () => {
    const runner = "arn:aws:iam::123456789012:role/ci-deploy";
    const plan = variant((c) => {
      c["switchyard:etcd"] = { ...c["switchyard:etcd"], deployRunnerRoleArns: [runner] };
    });
    const doc = JSON.parse(
      String(byName(plan, "aws:secretsmanager/secretPolicy:SecretPolicy", "etcd-deployer-tls").inputs.policy),
    );
    assert.deepEqual(doc.Statement[0].Principal.AWS, [runner]);
  });

  test("app teams get the deploy runners' secret and no other etcd credential", () => {
    assert.equal(prod.outputs.etcdClientSecretArn, secretArn("etcd-deployer-tls"));
    const etcdOutputs = Object.entries(prod.outputs).filter(([, v]) => String(v).includes(":secret/etcd"));
    assert.deepEqual(
      etcdOutputs.map(([k]) => k),
      ["etcdClientSecretArn"],
    );
  });

  test("the HAProxy hosts' agents write status as <fleet>-<short host name>", () => {
    for (const d of userDataDocuments(prod).filter((x) => /edge-(blue|green)/.test(x.owner))) {
      const fleet = /edge-(blue|green)/.exec(d.owner)![1];
      assert.match(d.text, new RegExp(`--agent-id ${fleet}-%l`), d.owner);
    }
  });
});

describe("growing etcd from 3 to 5 members", () => {
  const five = variant((c) => {
    c["switchyard:etcd"] = { ...c["switchyard:etcd"], members: 5, initialMembers: 3 };
  });

  test("adds etcd-3 and etcd-4 round-robin over the AZs, joining as existing members", () => {
    const azOf = (n: string) => byName(five, VOLUME, `${n}-data`).inputs.availabilityZone;
    assert.deepEqual(["etcd-0", "etcd-1", "etcd-2", "etcd-3", "etcd-4"].map(azOf), [
      "eu-west-1a",
      "eu-west-1b",
      "eu-west-1c",
      "eu-west-1a",
      "eu-west-1b",
    ]);
    const etcd4 = String(byName(five, INSTANCE, "etcd-4").inputs.userData);
    assert.match(etcd4, /ETCD_INITIAL_CLUSTER_STATE=existing/);
    assert.match(
      etcd4,
      /ETCD_INITIAL_CLUSTER=etcd-0=https:\/\/etcd-0\.[^,]+,etcd-1=[^,]+,etcd-2=[^,]+,etcd-3=[^,]+,etcd-4=https:\/\/etcd-4\./,
    );
  });

  test("leaves the existing members' user-data byte for byte unchanged", () => {
    for (const n of ["etcd-0", "etcd-1", "etcd-2"]) {
      assert.equal(byName(five, INSTANCE, n).inputs.userData, byName(prod, INSTANCE, n).inputs.userData, n);
    }
  });
});

describe("edge: two fleets, the NLB and the swap", () => {
  test("prod: blue is live at the configured size, green idle at 0, each with its own target group", () => {
    const blue = byName(prod, ASG, "edge-blue");
    const green = byName(prod, ASG, "edge-green");
    assert.deepEqual([blue.inputs.minSize, blue.inputs.desiredCapacity, blue.inputs.maxSize], [3, 3, 9]);
    assert.deepEqual([green.inputs.minSize, green.inputs.desiredCapacity], [0, 0]);
    // Each host registers for TLS-terminated traffic and for the redirect of plain HTTP.
    assert.deepEqual(blue.inputs.targetGroupArns, [
      "arn:aws:lb:eu-west-1:123456789012:targetgroup/edge-blue",
      "arn:aws:lb:eu-west-1:123456789012:targetgroup/edge-blue-redirect",
    ]);
    assert.deepEqual(green.inputs.targetGroupArns, [
      "arn:aws:lb:eu-west-1:123456789012:targetgroup/edge-green",
      "arn:aws:lb:eu-west-1:123456789012:targetgroup/edge-green-redirect",
    ]);
    for (const asg of [blue, green]) {
      assert.equal(asg.inputs.healthCheckType, "ELB");
      assert.equal((asg.inputs.instanceRefresh as { strategy: string }).strategy, "Rolling");
      assert.deepEqual(asg.inputs.vpcZoneIdentifiers, [
        "switchyard-private-eu-west-1a-id",
        "switchyard-private-eu-west-1b-id",
        "switchyard-private-eu-west-1c-id",
      ]);
    }
    const nlb = byName(prod, "aws:lb/loadBalancer:LoadBalancer", "edge");
    assert.equal(nlb.inputs.loadBalancerType, "network");
    assert.equal((nlb.inputs.accessLogs as { enabled: boolean }).enabled, true);
    // The edge's target groups (the monitoring NLB checks InfluxDB's own /ping).
    for (const tg of ofType(prod, "aws:lb/targetGroup:TargetGroup").filter((t) =>
      t.name.startsWith("edge-"),
    )) {
      assert.equal((tg.inputs.healthCheck as { path: string }).path, "/healthz", tg.name);
    }
  });

  test("prod: TLS on 443 with the requested certificate; port 80 goes to HAProxy's redirect port; the standby keeps the idle fleet checked", () => {
    const https = byName(prod, LISTENER, "edge-https");
    assert.equal(https.inputs.port, 443);
    assert.equal(https.inputs.protocol, "TLS");
    assert.equal(https.inputs.sslPolicy, "ELBSecurityPolicy-TLS13-1-2-2021-06");
    // The ARN is read through the DNS validation: the listener waits until ACM has issued it.
    const validation = byName(prod, "aws:acm/certificateValidation:CertificateValidation", "edge-tls");
    const certificate = byName(prod, "aws:acm/certificate:Certificate", "edge-tls");
    assert.equal(validation.inputs.certificateArn, "arn:aws:acm:eu-west-1:123456789012:certificate/edge-tls");
    assert.equal(https.inputs.certificateArn, validation.inputs.certificateArn);
    assert.equal(certificate.inputs.validationMethod, "DNS");
    assert.deepEqual(https.inputs.defaultActions, [
      { type: "forward", targetGroupArn: "arn:aws:lb:eu-west-1:123456789012:targetgroup/edge-blue" },
    ]);
    assert.ok(
      https.options.dependsOn.some((u) => u.endsWith("::edge-swap-gate")),
      "TLS listener reads the gate",
    );
    // One validation record per base name ("*.example.com" and "example.com" share one).
    const validationRecords = ofType(prod, "aws:route53/record:Record")
      .filter((r) => r.name.startsWith("edge-tls-validation-"))
      .map((r) => r.name)
      .sort();
    assert.deepEqual(validationRecords, [
      "edge-tls-validation-example.com",
      "edge-tls-validation-shop.example.com",
    ]);
    assert.deepEqual(validation.inputs.validationRecordFqdns, [
      "_mock8.example.com.",
      "_mock8.shop.example.com.",
    ]);

    const http = byName(prod, LISTENER, "edge-http");
    assert.deepEqual(http.inputs.defaultActions, [
      { type: "forward", targetGroupArn: "arn:aws:lb:eu-west-1:123456789012:targetgroup/edge-blue-redirect" },
    ]);
    assert.ok(
      http.options.dependsOn.some((u) => u.endsWith("::edge-swap-gate")),
      "the redirect follows the gate",
    );
    assert.equal(
      byName(prod, "aws:lb/targetGroup:TargetGroup", "edge-blue-redirect").inputs.port,
      EDGE_REDIRECT_PORT,
    );

    const standby = byName(prod, LISTENER, "edge-standby");
    assert.equal(standby.inputs.port, STANDBY_PORT);
    assert.deepEqual(standby.inputs.defaultActions, [
      { type: "forward", targetGroupArn: "arn:aws:lb:eu-west-1:123456789012:targetgroup/edge-green" },
    ]);
    for (const listener of ["::edge-http", "::edge-https"])
      assert.ok(
        standby.options.dependsOn.some((u) => u.endsWith(listener)),
        `the standby listener moves after ${listener}`,
      );
  });

  test("without TLS (outside production) port 80 serves; with an existing certificate none is requested; refuse closes 80", () => {
    // The edge's own listeners (the internal metrics NLB has its own).
    const edgeListeners = (plan: Plan) =>
      ofType(plan, LISTENER)
        .map((l) => l.name)
        .filter((n) => n.startsWith("edge-"))
        .sort();
    assert.deepEqual(edgeListeners(plainHttp), ["edge-http", "edge-standby"]);
    assert.deepEqual(byName(plainHttp, LISTENER, "edge-http").inputs.defaultActions, [
      { type: "forward", targetGroupArn: "arn:aws:lb:eu-west-1:123456789012:targetgroup/edge-blue" },
    ]);
    assert.equal(ofType(plainHttp, "aws:acm/certificate:Certificate").length, 0);
    assert.deepEqual(edgeListeners(refused), ["edge-https", "edge-standby"]);
    assert.equal(
      byName(refused, LISTENER, "edge-https").inputs.certificateArn,
      "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
    );
    assert.equal(ofType(refused, "aws:acm/certificate:Certificate").length, 0);
    assert.ok(!ofType(refused, "aws:lb/targetGroup:TargetGroup").some((g) => g.name.endsWith("-redirect")));
  });

  test("app hosts get alias records to the NLB in the configured zone", () => {
    const aliases = ofType(prod, "aws:route53/record:Record").filter((r) => r.name.startsWith("edge-host-"));
    assert.deepEqual(aliases.map((r) => r.inputs.name).sort(), [
      "preview.shop.example.com",
      "shop.example.com",
    ]);
    for (const r of aliases) {
      assert.equal(r.inputs.zoneId, "Z0123456789EXAMPLE");
      assert.equal(r.inputs.type, "A");
      assert.deepEqual(r.inputs.aliases, [
        {
          name: "edge-0123456789.elb.eu-west-1.amazonaws.com",
          zoneId: "Z2IFOLAFXWLO4F",
          evaluateTargetHealth: true,
        },
      ]);
    }
    assert.equal(
      ofType(plainHttp, "aws:route53/record:Record").filter((r) => r.name.startsWith("edge-host-")).length,
      2,
    );
  });

  test("a production stack without TLS fails the edge-tls-in-production policy (exit 2)", () => {
    const run = planVariant("prod", (c) => {
      delete c["switchyard:edge"].tls;
    });
    assert.equal(run.status, 2, run.stderr);
    const doc = JSON.parse(run.stdout) as {
      policies: { violations: { policy: string; level: string; message: string }[] };
    };
    const tls = doc.policies.violations.filter((v) => v.policy === "edge-tls-in-production");
    assert.ok(
      tls.some((v) => /without a TLS listener on 443/.test(v.message)),
      JSON.stringify(tls),
    );
    assert.ok(
      tls.some((v) => /Port 80 serves plain HTTP/.test(v.message)),
      JSON.stringify(tls),
    );
    assert.ok(tls.every((v) => v.level === "mandatory"));
  });

  test("swapping to green: gate waits for green, listeners follow, blue shrinks only after the switch", () => {
    const swapped = variant((c) => {
      c["switchyard:edge"] = {
        ...c["switchyard:edge"],
        liveFleet: "green",
        idleFleetSize: 3,
      };
    });
    const gate = byName(swapped, GATE, "edge-swap-gate");
    assert.equal(gate.inputs.targetGroupArn, "arn:aws:lb:eu-west-1:123456789012:targetgroup/edge-green");
    assert.equal(gate.inputs.minHealthy, 3);
    assert.ok(
      gate.options.dependsOn.some((u) => u.endsWith("aws:autoscaling/group:Group::edge-green")),
      "the gate waits for the green fleet",
    );
    assert.deepEqual(byName(swapped, LISTENER, "edge-https").inputs.defaultActions, [
      { type: "forward", targetGroupArn: "arn:aws:lb:eu-west-1:123456789012:targetgroup/edge-green" },
    ]);
    assert.deepEqual(byName(swapped, LISTENER, "edge-http").inputs.defaultActions, [
      {
        type: "forward",
        targetGroupArn: "arn:aws:lb:eu-west-1:123456789012:targetgroup/edge-green-redirect",
      },
    ]);
    const blue = byName(swapped, ASG, "edge-blue");
    assert.deepEqual([blue.inputs.minSize, blue.inputs.desiredCapacity], [3, 3]);
    assert.ok(
      blue.options.dependsOn.some((u) => u.endsWith("::edge-http")),
      "blue resizes only after the listeners moved",
    );
    assert.ok(rulesOf(swapped, "switchyard-loadBalancer-id").includes("ingress tcp 443 from cidr:0.0.0.0/0"));
  });

  test("the fleets download the bundle the program uploaded, by its content-addressed key, and verify its sha256", () => {
    const key = String(byName(prod, "aws:s3/bucketObjectv2:BucketObjectv2", "edge-agent-bundle").inputs.key);
    const sha256 = /^agent\/switchyard-agent-([0-9a-f]{16})\.js$/.exec(key)?.[1];
    assert.ok(sha256, `content-addressed key, got ${key}`);
    for (const d of userDataDocuments(prod).filter((x) => x.owner.startsWith("launch template"))) {
      assert.ok(d.text.includes(`s3://edge-artifacts-0123456/${key}`), `${d.owner} downloads ${key}`);
      assert.match(
        d.text,
        new RegExp(`echo '${sha256}[0-9a-f]{48}  '.*sha256sum --check --strict`),
        `${d.owner} verifies the bundle's sha256`,
      );
    }
  });
});
