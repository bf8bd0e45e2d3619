/**
 * OpenSearch with TLS and sign-in: the rendered opensearch.yml and security files (setting names
 * as the security plugin spells them), where each file reaches the pod from, a certificate made
 * by openssl with the SANs and subject we give @pulumi/tls (verified for the names Graylog uses),
 * and the Graylog component under Pulumi's mock runtime with a real bcrypt hash: the hash in
 * internal_users.yml verifies against the password in Graylog's elasticsearch_hosts URL.
 * OpenSearch itself cannot run here (docs/logging.md, "What only a real Graylog confirms").
 */
import assert from "node:assert/strict";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { Graylog } from "../../../components/logging/graylog";
import { SECRET_KEYS } from "../../../components/logging/graylog/layout";
import {
  BCRYPT_HASH,
  GRAYLOG_ROLE,
  GRAYLOG_SEARCH_USER,
  OPENSEARCH_ADMIN_FILES,
  OPENSEARCH_CERTS_DIR,
  OPENSEARCH_CONFIG_DIR,
  OPENSEARCH_SECURITY_DIR,
  OPENSEARCH_SUBJECTS,
  OPENSEARCH_TLS_FILES,
  OPENSEARCH_YML,
  PUBLIC_SECURITY_FILES,
  SECURITY_FILES,
  distinguishedName,
  graylogOpenSearchUrl,
  openSearchDnsNames,
  openSearchServiceHost,
  openSearchSettings,
  publicSecurityFiles,
  renderInternalUsers,
  renderOpenSearchYml,
  renderRolesMapping,
  renderSecurityConfig,
  securityConfigDigest,
} from "../../../components/logging/graylog/opensearchSecurity";
import { graylogStatefulSetSpec, openSearchStatefulSetSpec } from "../../../components/logging/graylog/specs";
import { makeCa, makeLeaf } from "../../../scripts/lib/pki";
import { GRAYLOG_SPEC_INPUT, OPENSEARCH_SPEC_INPUT, RESOURCES } from "./support/specs";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- specs and inputs are free-form JSON
type Json = any;

const NAMESPACE = "logging";
const resources = RESOURCES;

/** libxcrypt's bcrypt through perl's crypt(): a hash for a password, and the check of one. */
function bcrypt(password: string, salt22: string): string {
  return execFileSync("perl", ["-e", "print crypt($ARGV[0], $ARGV[1])", password, `$2b$04$${salt22}`], {
    encoding: "utf8",
  });
}
function bcryptVerifies(password: string, hash: string): boolean {
  const out = execFileSync(
    "perl",
    ["-e", "print crypt($ARGV[0], $ARGV[1]) eq $ARGV[1] ? 1 : 0", password, hash],
    {
      encoding: "utf8",
    },
  );
  return out === "1";
}

const openssl = (args: string[], cwd: string) =>
  execFileSync("openssl", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

describe("opensearch.yml and the security files", () => {
  const settings = parse(renderOpenSearchYml({ nodes: 3 }));

  test("TLS on both layers, from PEM files under config/ given relatively, as the plugin requires", () => {
    assert.equal(settings["plugins.security.ssl.http.enabled"], true);
    for (const layer of ["transport", "http"]) {
      const path = (kind: string) => settings[`plugins.security.ssl.${layer}.${kind}_filepath`];
      assert.equal(path("pemcert"), `${OPENSEARCH_CERTS_DIR}/${OPENSEARCH_TLS_FILES.cert}`, layer);
      assert.equal(path("pemkey"), `${OPENSEARCH_CERTS_DIR}/${OPENSEARCH_TLS_FILES.key}`, layer);
      assert.equal(path("pemtrustedcas"), `${OPENSEARCH_CERTS_DIR}/${OPENSEARCH_TLS_FILES.ca}`, layer);
      for (const kind of ["pemcert", "pemkey", "pemtrustedcas"]) assert.doesNotMatch(path(kind), /^\//);
    }
    // Nothing turns the plugin off or lets the demo certificates in.
    assert.equal(settings["plugins.security.disabled"], undefined);
    assert.equal(settings["plugins.security.allow_unsafe_democertificates"], false);
    // Every plugin setting we write is one of the security plugin's own names.
    const known = new Set([
      "plugins.security.ssl.transport.pemcert_filepath",
      "plugins.security.ssl.transport.pemkey_filepath",
      "plugins.security.ssl.transport.pemtrustedcas_filepath",
      "plugins.security.ssl.transport.enforce_hostname_verification",
      "plugins.security.ssl.http.enabled",
      "plugins.security.ssl.http.pemcert_filepath",
      "plugins.security.ssl.http.pemkey_filepath",
      "plugins.security.ssl.http.pemtrustedcas_filepath",
      "plugins.security.ssl.http.clientauth_mode",
      "plugins.security.nodes_dn",
      "plugins.security.authcz.admin_dn",
      "plugins.security.allow_default_init_securityindex",
      "plugins.security.allow_unsafe_democertificates",
    ]);
    for (const key of Object.keys(settings).filter((k) => k.startsWith("plugins.")))
      assert.ok(known.has(key), `${key} is not a security plugin setting we checked upstream`);
    assert.ok(
      ["NONE", "OPTIONAL", "REQUIRE"].includes(settings["plugins.security.ssl.http.clientauth_mode"]),
    );
  });

  test("nodes are trusted by their certificate's DN, the admin by another; the index is created from our files", () => {
    assert.deepEqual(settings["plugins.security.nodes_dn"], [distinguishedName(OPENSEARCH_SUBJECTS.node)]);
    assert.deepEqual(settings["plugins.security.authcz.admin_dn"], [
      distinguishedName(OPENSEARCH_SUBJECTS.admin),
    ]);
    assert.notEqual(OPENSEARCH_SUBJECTS.node.commonName, OPENSEARCH_SUBJECTS.admin.commonName);
    assert.equal(settings["plugins.security.allow_default_init_securityindex"], true);
    assert.deepEqual(settings["cluster.initial_cluster_manager_nodes"], [
      "opensearch-0",
      "opensearch-1",
      "opensearch-2",
    ]);
    assert.deepEqual(openSearchSettings({ nodes: 1 })["cluster.initial_cluster_manager_nodes"], [
      "opensearch-0",
    ]);
  });

  test("internal_users.yml holds Graylog's user only, with the bcrypt hash it is given", () => {
    const hash = bcrypt("s3cret", "abcdefghijklmnopqrstuu");
    assert.match(hash, BCRYPT_HASH);
    const users = parse(renderInternalUsers(hash));
    assert.deepEqual(users._meta, { type: "internalusers", config_version: 2 });
    assert.deepEqual(Object.keys(users).sort(), ["_meta", GRAYLOG_SEARCH_USER].sort());
    assert.equal(users[GRAYLOG_SEARCH_USER].hash, hash);
    assert.ok(bcryptVerifies("s3cret", users[GRAYLOG_SEARCH_USER].hash));
    assert.ok(!bcryptVerifies("other", users[GRAYLOG_SEARCH_USER].hash));
    assert.throws(() => renderInternalUsers("s3cret"), /bcrypt/, "a clear password is refused");
    assert.throws(() => renderInternalUsers(""), /bcrypt/);
  });

  test("Graylog's user has its own role, not all_access; only HTTP Basic against internal users, no anonymous access", () => {
    const mapping = parse(renderRolesMapping());
    assert.deepEqual(mapping._meta, { type: "rolesmapping", config_version: 2 });
    assert.deepEqual(mapping[GRAYLOG_ROLE].users, [GRAYLOG_SEARCH_USER]);
    assert.equal(mapping.all_access, undefined);
    const roles = parse(publicSecurityFiles()[SECURITY_FILES.roles]);
    assert.deepEqual(roles._meta, { type: "roles", config_version: 2 });
    assert.ok(roles[GRAYLOG_ROLE].cluster_permissions.length > 0);
    const config = parse(renderSecurityConfig());
    assert.deepEqual(config._meta, { type: "config", config_version: 2 });
    assert.equal(config.config.dynamic.http.anonymous_auth_enabled, false);
    const domains = Object.values(config.config.dynamic.authc) as Json[];
    assert.deepEqual(
      domains.map((d) => [d.http_authenticator.type, d.authentication_backend.type]),
      [["basic", "intern"]],
    );
  });
});

describe("the OpenSearch pods", () => {
  const spec = openSearchStatefulSetSpec(OPENSEARCH_SPEC_INPUT) as Json;
  const pod = spec.template.spec;
  const c = pod.containers[0];
  const env = Object.fromEntries((c.env as Json[]).map((e) => [e.name, e.value ?? e.valueFrom]));
  const volume = (name: string) => pod.volumes.find((v: Json) => v.name === name);

  test("the security plugin stays on and the demo installer does not run (so no initial admin password)", () => {
    assert.equal(env.DISABLE_INSTALL_DEMO_CONFIG, "true");
    assert.equal(env.DISABLE_SECURITY_PLUGIN, undefined);
    assert.equal(env.OPENSEARCH_INITIAL_ADMIN_PASSWORD, undefined);
    assert.ok(!Object.keys(env).some((k) => k.startsWith("plugins.")), "no setting overrides the file");
  });

  test("key, certificate and internal_users.yml come from the Secret, opensearch.yml and the rest from the ConfigMap", () => {
    const settings = openSearchSettings({ nodes: 3 });
    const tls = c.volumeMounts.find((m: Json) => m.name === "node-tls");
    const tlsItems = volume("node-tls").secret.items.map((i: Json) => `${tls.mountPath}/${i.path}`);
    assert.equal(volume("node-tls").secret.secretName, "os-node");
    for (const kind of ["pemcert", "pemkey", "pemtrustedcas"])
      for (const layer of ["transport", "http"])
        assert.ok(
          tlsItems.includes(
            `${OPENSEARCH_CONFIG_DIR}/${settings[`plugins.security.ssl.${layer}.${kind}_filepath`]}`,
          ),
          `${layer} ${kind} is mounted from the Secret`,
        );
    const users = c.volumeMounts.find((m: Json) => m.subPath === SECURITY_FILES.internalUsers);
    assert.equal(users.mountPath, `${OPENSEARCH_SECURITY_DIR}/${SECURITY_FILES.internalUsers}`);
    assert.equal(volume(users.name).secret.secretName, "os-node");
    const fromConfigMap = c.volumeMounts.filter((m: Json) => volume(m.name)?.configMap);
    assert.deepEqual(
      fromConfigMap.map((m: Json) => m.subPath).sort(),
      [OPENSEARCH_YML, ...PUBLIC_SECURITY_FILES].sort(),
    );
    assert.ok(!PUBLIC_SECURITY_FILES.includes(SECURITY_FILES.internalUsers as never));
    assert.equal(
      fromConfigMap.find((m: Json) => m.subPath === OPENSEARCH_YML).mountPath,
      `${OPENSEARCH_CONFIG_DIR}/${OPENSEARCH_YML}`,
    );
    assert.equal(
      spec.template.metadata.annotations["switchyard.io/config-digest"],
      OPENSEARCH_SPEC_INPUT.configDigest,
    );
  });

  test("ready when the security plugin is UP, checked over verified TLS for the Service name", () => {
    const probe = c.readinessProbe.exec.command.join(" ");
    assert.match(probe, /https:\/\/opensearch:9200\/_plugins\/_security\/health/);
    assert.match(
      probe,
      new RegExp(`--cacert ${OPENSEARCH_CONFIG_DIR}/${OPENSEARCH_CERTS_DIR}/${OPENSEARCH_TLS_FILES.ca}`),
    );
    assert.doesNotMatch(probe, /(^| )(-k|--insecure)( |$)/);
    assert.ok(openSearchDnsNames(NAMESPACE).includes("opensearch"), "the probe's name is in the certificate");
  });
});

describe("the node certificate (openssl, with the names and subject given to @pulumi/tls)", () => {
  const dir = mkdtempSync(join(tmpdir(), "opensearch-pki-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const ca = makeCa(dir);
  const names = openSearchDnsNames(NAMESPACE);
  const node = makeLeaf(
    dir,
    ca,
    "node",
    OPENSEARCH_SUBJECTS.node.commonName,
    names.map((n) => `DNS:${n}`),
  );
  const checkhost = (host: string) =>
    openssl(["x509", "-in", node.cert, "-noout", "-checkhost", host], dir).includes("does match certificate");

  test("chains to the CA and covers the host in Graylog's elasticsearch_hosts", () => {
    assert.match(openssl(["verify", "-CAfile", ca.cert, node.cert], dir), /: OK/);
    const url = new URL(graylogOpenSearchUrl(NAMESPACE, GRAYLOG_SEARCH_USER, "pw"));
    assert.equal(url.protocol, "https:");
    assert.ok(checkhost(url.hostname), url.hostname);
    openssl(["verify", "-CAfile", ca.cert, "-verify_hostname", url.hostname, node.cert], dir);
  });

  test("covers every pod of the headless Service and the short names, and nothing else", () => {
    for (const i of [0, 2, 8])
      assert.ok(checkhost(`opensearch-${i}.opensearch-pods.${NAMESPACE}.svc.cluster.local`), `pod ${i}`);
    for (const host of ["opensearch", `opensearch.${NAMESPACE}`, `opensearch.${NAMESPACE}.svc`])
      assert.ok(checkhost(host), host);
    assert.ok(!checkhost(`graylog.${NAMESPACE}.svc.cluster.local`));
    assert.ok(!checkhost(`opensearch.other.svc.cluster.local`));
  });

  test("its subject is the DN listed in plugins.security.nodes_dn", () => {
    const subject = openssl(["x509", "-in", node.cert, "-noout", "-subject", "-nameopt", "RFC2253"], dir);
    assert.equal(subject.trim(), `subject=${distinguishedName(OPENSEARCH_SUBJECTS.node)}`);
    assert.deepEqual(openSearchSettings({ nodes: 1 })["plugins.security.nodes_dn"], [
      subject.trim().slice(8),
    ]);
  });
});

/** Opens each URL with the JVM's default HTTPS stack (trust manager and host name check) and prints the outcome. */
const JAVA_CLIENT = `public class Check {
  public static void main(String[] args) {
    // openssl s_server serves one connection at a time: none may stay open for reuse.
    System.setProperty("http.keepAlive", "false");
    for (String u : args) {
      try {
        javax.net.ssl.HttpsURLConnection c = (javax.net.ssl.HttpsURLConnection) new java.net.URL(u).openConnection();
        c.setConnectTimeout(5000);
        c.setReadTimeout(5000);
        System.out.println(u + " " + c.getResponseCode());
        c.disconnect();
      } catch (Exception e) {
        System.out.println(u + " ERROR " + e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    }
  }
}
`;

describe("Graylog's JVM trusts OpenSearch (the init container's keytool commands, openssl s_server, java)", () => {
  const dir = mkdtempSync(join(tmpdir(), "graylog-truststore-"));
  let server: ChildProcess | undefined;
  after(() => {
    server?.kill();
    rmSync(dir, { recursive: true, force: true });
  });
  const port = 40000 + Math.floor(Math.random() * 10000);
  const spec = graylogStatefulSetSpec(GRAYLOG_SPEC_INPUT) as Json;
  const pod = spec.template.spec;
  const init = pod.initContainers.find((c: Json) => c.name === "truststore");
  const mountOf = (c: Json, volume: string) => c.volumeMounts.find((m: Json) => m.name === volume).mountPath;
  const truststoreDir = mountOf(init, "truststore");
  const casDir = mountOf(init, "trusted-cas");
  /** The pod's paths, moved under the test directory. */
  const local = (text: string) =>
    text.replaceAll(`${truststoreDir}/`, `${dir}/truststore/`).replaceAll(`${casDir}/`, `${dir}/cas/`);

  before(async () => {
    mkdirSync(join(dir, "truststore"));
    mkdirSync(join(dir, "cas"));
    mkdirSync(join(dir, "mongodb"));
    mkdirSync(join(dir, "opensearch"));
    const mongoCa = makeCa(join(dir, "mongodb"));
    const searchCa = makeCa(join(dir, "opensearch"));
    const node = makeLeaf(
      join(dir, "opensearch"),
      searchCa,
      "node",
      OPENSEARCH_SUBJECTS.node.commonName,
      openSearchDnsNames(NAMESPACE).map((n) => `DNS:${n}`),
    );
    // The Secret's CA keys, as the trusted-cas volume projects them.
    for (const item of pod.volumes.find((v: Json) => v.name === "trusted-cas").secret.items as Json[]) {
      const sources: Record<string, string> = {
        [SECRET_KEYS.mongodbCa]: mongoCa.cert,
        [SECRET_KEYS.opensearchCa]: searchCa.cert,
      };
      const source = sources[item.key as string];
      assert.ok(source, `a CA for ${item.key}`);
      copyFileSync(source, join(dir, "cas", item.path));
    }
    const javaHome = dirname(
      dirname(realpathSync(execFileSync("which", ["java"], { encoding: "utf8" }).trim())),
    );
    execFileSync(init.command[0], [init.command[1], local(init.command[2])], {
      env: { ...process.env, JAVA_HOME: javaHome },
      stdio: ["ignore", "ignore", "pipe"],
    });
    writeFileSync(join(dir, "Check.java"), JAVA_CLIENT);
    writeFileSync(
      join(dir, "hosts"),
      `127.0.0.1 ${openSearchServiceHost(NAMESPACE)}\n127.0.0.1 graylog.${NAMESPACE}.svc.cluster.local\n`,
    );
    server = spawn(
      "openssl",
      ["s_server", "-accept", String(port), "-cert", node.cert, "-key", node.key, "-www"],
      {
        cwd: dir,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    // Up once it says so (it serves one connection at a time: no probe connection before).
    await new Promise<void>((resolve, reject) => {
      let out = "";
      server!.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("ACCEPT")) resolve();
      });
      server!.on("exit", (code) => reject(new Error(`openssl s_server exited with ${code}`)));
    });
  });

  const javaOpts = () => {
    const env = pod.containers[0].env.find((e: Json) => e.name === "GRAYLOG_SERVER_JAVA_OPTS")
      .value as string;
    return local(env)
      .split(/\s+/)
      .filter((o) => o.startsWith("-Djavax.net.ssl."));
  };
  const java = (opts: string[], urls: string[]) =>
    execFileSync(
      "java",
      [...opts, `-Djdk.net.hosts.file=${join(dir, "hosts")}`, join(dir, "Check.java"), ...urls],
      {
        cwd: dir,
        encoding: "utf8",
        timeout: 60_000,
      },
    );

  test("with Graylog's truststore options, the URL Graylog uses verifies (CA and host name); another name does not", () => {
    const opts = javaOpts();
    assert.ok(
      opts.some((o) => o.startsWith(`-Djavax.net.ssl.trustStore=${dir}/truststore/`)),
      opts.join(" "),
    );
    const url = new URL(graylogOpenSearchUrl(NAMESPACE, GRAYLOG_SEARCH_USER, "pw"));
    const good = `https://${url.hostname}:${port}/`;
    const wrongName = `https://graylog.${NAMESPACE}.svc.cluster.local:${port}/`;
    const out = java(opts, [good, wrongName]);
    assert.match(out, new RegExp(`^${good} 200$`, "m"), out);
    assert.match(
      out,
      new RegExp(`^${wrongName} ERROR .*(No subject alternative DNS name|No name matching)`, "m"),
      out,
    );
  });

  test("without the OpenSearch CA in the truststore the same URL fails (the trust comes from the import)", () => {
    const url = new URL(graylogOpenSearchUrl(NAMESPACE, GRAYLOG_SEARCH_USER, "pw"));
    const out = java([], [`https://${url.hostname}:${port}/`]);
    assert.match(out, /ERROR .*(PKIX path building failed|unable to find valid certification path)/, out);
  });
});

describe("the Graylog component under mocks: one password, its hash in OpenSearch, its value in Graylog", () => {
  const registered: { type: string; name: string; inputs: Json }[] = [];

  before(async () => {
    let salt = 0;
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.push({ type: args.type, name: args.name, inputs: args.inputs });
          const extra: Record<string, unknown> = {};
          if (args.type === "random:index/randomPassword:RandomPassword") {
            const result = `pw${args.name.replace(/[^A-Za-z0-9]/g, "")}`;
            // A real bcrypt hash of the generated value, as the random provider stores it.
            extra.result = result;
            extra.bcryptHash = bcrypt(result, String(salt++).padStart(22, "a"));
          }
          if (args.type === "tls:index/privateKey:PrivateKey") {
            extra.privateKeyPem = `-----BEGIN EC PRIVATE KEY-----\nSEC1-${args.name}\n-----END EC PRIVATE KEY-----\n`;
            extra.privateKeyPemPkcs8 = `-----BEGIN PRIVATE KEY-----\nPKCS8-${args.name}\n-----END PRIVATE KEY-----\n`;
          }
          if (args.type.startsWith("tls:index/") && args.type.endsWith("Cert"))
            extra.certPem = `-----BEGIN CERTIFICATE-----\n${args.name}\n-----END CERTIFICATE-----\n`;
          if (args.type === "tls:index/certRequest:CertRequest") extra.certRequestPem = `CSR-${args.name}`;
          const metadata = args.type.startsWith("kubernetes:")
            ? {
                metadata: {
                  ...(args.inputs.metadata ?? {}),
                  name: args.inputs.metadata?.name ?? `${args.name}-x`,
                },
              }
            : {};
          return { id: `${args.name}-id`, state: { ...args.inputs, ...extra, ...metadata } };
        },
        call: (args) => args.inputs,
      },
      "switchyard",
      "test",
      false,
    );
    const graylog = new Graylog("logging-graylog", {
      namespace: NAMESPACE,
      storageClass: "gp3",
      replicas: 2,
      journalGiB: 20,
      resources,
      retentionDays: 30,
      search: { nodes: 3, storageGiB: 200, resources },
      mongodb: { uri: pulumi.secret("mongodb://graylog:x@m0/graylog"), caCertPem: "MONGO-CA" },
      kafka: {
        bootstrapServers: "logs-kafka-bootstrap:9093",
        topic: "logs",
        partitions: 6,
        groupId: "graylog",
        username: "graylog",
        credentialsSecret: "graylog",
        clusterCaSecret: "logs-cluster-ca-cert",
      },
      configuratorBundle: { source: "console.log(1)", sha256: "0".repeat(64) },
    });
    await new Promise((r) => graylog.url.apply(r));
    await new Promise((r) => setTimeout(r, 200));
  });

  /** A Pulumi secret reaches the mock as { <signature>: <secret sig>, value }. */
  const unwrap = (v: Json): Json =>
    v && typeof v === "object" && "value" in v && Object.keys(v).length === 2 ? v.value : v;
  const secretData = (name: string): Record<string, string> => {
    const s = registered.find((r) => r.type === "kubernetes:core/v1:Secret" && r.name === name);
    assert.ok(s, `Secret ${name}`);
    return unwrap(s.inputs.stringData);
  };

  test("the hash in internal_users.yml verifies against the password in Graylog's elasticsearch_hosts", () => {
    const users = parse(secretData("logging-graylog-opensearch-node")[SECURITY_FILES.internalUsers]);
    const url = new URL(secretData("logging-graylog-server")[SECRET_KEYS.opensearchHosts]);
    assert.equal(decodeURIComponent(url.username), GRAYLOG_SEARCH_USER);
    const password = decodeURIComponent(url.password);
    assert.equal(password, "pwlogginggraylogopensearchpassword", "the OpenSearch RandomPassword's value");
    assert.ok(bcryptVerifies(password, users[GRAYLOG_SEARCH_USER].hash));
    // No other generated password would pass: the hash belongs to this one.
    for (const other of ["pwlogginggraylogrootpassword", "pwlogginggraylogpasswordsecret"])
      assert.ok(!bcryptVerifies(other, users[GRAYLOG_SEARCH_USER].hash), other);
  });

  test("OpenSearch gets the PKCS #8 key; Graylog trusts the CA that signed it", () => {
    const node = secretData("logging-graylog-opensearch-node");
    assert.match(
      node[OPENSEARCH_TLS_FILES.key],
      /^-----BEGIN PRIVATE KEY-----\nPKCS8-logging-graylog-opensearch-node\n/,
    );
    assert.equal(
      node[OPENSEARCH_TLS_FILES.ca],
      secretData("logging-graylog-server")[SECRET_KEYS.opensearchCa],
    );
    assert.match(node[OPENSEARCH_TLS_FILES.ca], /logging-graylog-opensearch-ca/);
    const csr = registered.find(
      (r) => r.name === "logging-graylog-opensearch-node" && r.type.endsWith("CertRequest"),
    );
    assert.deepEqual(csr!.inputs.dnsNames, openSearchDnsNames(NAMESPACE));
    assert.equal(csr!.inputs.subject.commonName, OPENSEARCH_SUBJECTS.node.commonName);
  });

  test("no ConfigMap holds a password, a hash or a key; the admin certificate is mounted by the security Job only", () => {
    const secrets = [
      "pwlogginggraylogopensearchpassword",
      "$2b$04$",
      "PRIVATE KEY",
      secretData("logging-graylog-server")[SECRET_KEYS.opensearchHosts],
    ];
    for (const cm of registered.filter((r) => r.type === "kubernetes:core/v1:ConfigMap")) {
      const text = JSON.stringify(cm.inputs.data);
      for (const s of secrets) assert.ok(!text.includes(s), `${cm.name} holds ${s.slice(0, 12)}…`);
    }
    const admin = registered.find(
      (r) => r.name === "logging-graylog-opensearch-admin" && r.type === "kubernetes:core/v1:Secret",
    );
    const adminName = admin!.inputs.metadata.name ?? "logging-graylog-opensearch-admin-x";
    const mounting = registered
      .filter((r) => /StatefulSet|Job|Deployment|DaemonSet/.test(r.type))
      .filter((w) => JSON.stringify(w.inputs.spec).includes(adminName))
      .map((w) => w.name);
    assert.deepEqual(mounting, ["logging-graylog-opensearch-security"]);
    const config = registered.find((r) => r.name === "logging-graylog-opensearch-config")!.inputs.data;
    // The digest of what the Job uploads is in its annotation in the clear, the files themselves are not.
    const job = registered.find((r) => r.name === "logging-graylog-opensearch-security")!;
    const digest = job.inputs.metadata.annotations["switchyard.io/security-digest"];
    const node = secretData("logging-graylog-opensearch-node");
    const adminCert = unwrap(admin!.inputs.stringData)[OPENSEARCH_ADMIN_FILES.cert];
    assert.equal(
      digest,
      securityConfigDigest(
        { ...publicSecurityFiles(), [SECURITY_FILES.internalUsers]: node[SECURITY_FILES.internalUsers] },
        adminCert,
      ),
    );
    assert.deepEqual(Object.keys(config).sort(), [OPENSEARCH_YML, ...PUBLIC_SECURITY_FILES].sort());
  });
});
