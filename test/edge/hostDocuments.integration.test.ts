/**
 * Every document the plan hands a host, checked with the real tools: cloud-init's schema, systemd's
 * verifier (no warnings at all), bash's parser, HAProxy's checker and the agent's own parser.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { loadConfig } from "../../hosts/agent/config";
import { AGENT_HOST } from "../../components/edge/render/layout";
import { ETCD_HOST } from "../../components/etcd/render/layout";
import { ETCD_RELEASES } from "../../components/etcd/releases";
import { planStack, planVariant } from "../helpers/plan";
import { bashSyntax, cloudInitSchema, tempDir, verifyUnits, writtenFiles } from "../helpers/host";
import { userDataDocuments, type HostDocument } from "../helpers/userData";

const five = planVariant("prod", (c) => {
  c["switchyard:etcd"] = { ...c["switchyard:etcd"], members: 5, initialMembers: 3 };
});
assert.equal(five.status, 0, five.stderr);
const documents: HostDocument[] = [
  ...userDataDocuments(planStack("prod")),
  ...userDataDocuments(planStack("staging")).map((d) => ({ ...d, owner: `staging ${d.owner}` })),
  ...userDataDocuments(five.plan!).map((d) => ({ ...d, owner: `5-member ${d.owner}` })),
];
const etcdDoc = documents.find((d) => d.owner === "instance etcd-0")!;
const edgeDoc = documents.find((d) => d.owner === "launch template edge-blue")!;
const mysqlDoc = documents.find((d) => d.owner === "instance mysql-1")!;
const mongoDoc = documents.find((d) => d.owner === "instance mongodb-0")!;

const units = (doc: HostDocument) =>
  [...writtenFiles(doc.text)]
    // Drop-ins (telegraf.service.d/) extend a packaged unit; they are not units of their own.
    .filter(([path]) => path.startsWith("/etc/systemd/system/") && !path.includes(".d/"))
    .map(([path, f]) => ({ name: path.slice("/etc/systemd/system/".length), content: f.content }));

describe("host documents from the plan", () => {
  test("every user-data document passes `cloud-init schema`", () => {
    // Per plan: etcd members, 2 MySQL hosts, 3 MongoDB members and the two fleets' templates.
    assert.equal(documents.length, 10 + 10 + 12);
    for (const d of documents) {
      const r = cloudInitSchema(d.text);
      assert.equal(r.status, 0, `${d.owner}: ${r.output}`);
      assert.match(r.output, /Valid cloud-config/);
    }
  });

  test("cloud-init schema rejects a misspelt write_files key (the check is not vacuous)", () => {
    const r = cloudInitSchema(etcdDoc.text.replace("    owner: root:root", "    ownr: root:root"));
    assert.notEqual(r.status, 0, r.output);
    assert.match(r.output, /'ownr' was unexpected/);
  });

  test("every systemd unit passes `systemd-analyze verify` with no warnings", () => {
    for (const doc of [etcdDoc, edgeDoc, mysqlDoc, mongoDoc]) {
      const list = units(doc);
      assert.ok(list.length >= 4, `${doc.owner} has its units`);
      const r = verifyUnits(list);
      assert.equal(r.status, 0, `${doc.owner}: ${r.output}`);
      assert.equal(r.output.trim(), "", `${doc.owner}: systemd-analyze printed warnings:\n${r.output}`);
    }
    assert.deepEqual(
      units(etcdDoc)
        .map((u) => u.name)
        .sort(),
      [
        "etcd-auth.service",
        "etcd-backup.service",
        "etcd-backup.timer",
        "etcd-data.service",
        "etcd-tls.service",
        "etcd.service",
        "fluent-bit-credentials.service",
        "telegraf-credentials.service",
      ],
    );
    assert.deepEqual(
      units(edgeDoc)
        .map((u) => u.name)
        .sort(),
      [
        "fluent-bit-credentials.service",
        "switchyard-agent-tls.service",
        "switchyard-agent.service",
        "switchyard-haproxy-seed.service",
        "switchyard-haproxy.service",
        "telegraf-credentials.service",
      ],
    );
    assert.deepEqual(
      units(mysqlDoc)
        .map((u) => u.name)
        .sort(),
      [
        "fluent-bit-credentials.service",
        "mysql-bootstrap.service",
        "mysql-credentials.service",
        "mysql-data.service",
        "mysql-primary.service",
        "mysql-tls.service",
        "switchyard-mysql.service",
        "telegraf-credentials.service",
      ],
    );
    assert.deepEqual(
      units(mongoDoc)
        .map((u) => u.name)
        .sort(),
      [
        "fluent-bit-credentials.service",
        "mongodb-bootstrap.service",
        "mongodb-credentials.service",
        "mongodb-data.service",
        "mongodb-key.service",
        "mongodb-tls.service",
        "switchyard-mongod.service",
        "switchyard-thp.service",
        "telegraf-credentials.service",
      ],
    );
  });

  test("systemd-analyze verify reports a broken unit (the check is not vacuous)", () => {
    const [first] = units(etcdDoc);
    const r = verifyUnits([
      { name: first.name, content: first.content.replace("[Service]", "[Service]\nRestartt=always") },
    ]);
    assert.match(r.output, /Restartt/);
  });

  test("every boot script parses with bash -n", () => {
    for (const doc of [etcdDoc, edgeDoc, mysqlDoc, mongoDoc]) {
      const scripts = [...writtenFiles(doc.text)].filter(([, f]) => f.content.startsWith("#!/bin/bash"));
      assert.ok(scripts.length >= 2, doc.owner);
      for (const [path, f] of scripts) {
        const r = bashSyntax(f.content);
        assert.equal(r.status, 0, `${doc.owner} ${path}: ${r.output}`);
        assert.equal(f.permissions, "0755", `${path} is executable`);
      }
    }
  });

  test("etcd is downloaded from the pinned release and checked against its pinned sha256", () => {
    const install = writtenFiles(etcdDoc.text).get(ETCD_HOST.installScript)!.content;
    const sha = ETCD_RELEASES["3.5.21"].amd64;
    assert.match(
      install,
      /https:\/\/github\.com\/etcd-io\/etcd\/releases\/download\/v3\.5\.21\/etcd-v3\.5\.21-linux-amd64\.tar\.gz/,
    );
    assert.ok(install.includes(`echo '${sha}  '"$tmp/etcd.tar.gz" | sha256sum --check --strict -`));
    assert.ok(install.indexOf("sha256sum") < install.indexOf("tar -xzf"), "verified before it is unpacked");
  });

  test("the agent's configuration file is accepted by the agent's own parser", () => {
    const text = writtenFiles(edgeDoc.text).get(AGENT_HOST.configFile)!.content;
    const result = loadConfig(["--config", "config.json"], () => text);
    assert.equal(result.kind, "config", JSON.stringify(result));
    if (result.kind !== "config") return;
    assert.deepEqual(
      result.config.etcdEndpoints,
      [0, 1, 2].map((i) => `https://etcd-${i}.etcd.prod.switchyard.internal:2379`),
    );
    assert.equal(result.config.stateDir, AGENT_HOST.stateDir);
    assert.equal(result.config.bindPort, 80);
    assert.equal(result.config.etcdCertFile, `${AGENT_HOST.etcdPkiDir}/tls.crt`);
  });

  test("the production bootstrap haproxy.cfg passes `haproxy -c`", () => {
    const text = writtenFiles(edgeDoc.text).get(AGENT_HOST.bootstrapConfig)!.content;
    // The real state directory does not exist here: the same text, pointed at a temporary one.
    const dir = tempDir("bootstrap-prod");
    writeFileSync(join(dir, "hosts.map"), "");
    const cfg = join(dir, "haproxy.cfg");
    writeFileSync(cfg, text.replaceAll(AGENT_HOST.stateDir, dir));
    const r = spawnSync("haproxy", ["-c", "-f", cfg], { encoding: "utf8", timeout: 15_000 });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  });
});
