/**
 * The OpenSearch security Job as pure functions: securityadmin.sh's command line read the way its
 * parser reads it, where every file it uploads or authenticates with comes from, and when it runs
 * again. OpenSearch cannot run here: what only a real cluster confirms is in docs/logging.md.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { graylogNetworkPolicies } from "../../../components/logging/graylog/network";
import { OPENSEARCH_HTTP_PORT, SERVICE_NAMES, labelsFor } from "../../../components/logging/graylog/layout";
import {
  OPENSEARCH_ADMIN_FILES,
  OPENSEARCH_SECURITY_DIR,
  PUBLIC_SECURITY_FILES,
  SECURITY_ADMIN_SCRIPT,
  SECURITY_FILES,
  openSearchDnsNames,
  publicSecurityFiles,
  renderInternalUsers,
  securityAdminArgs,
  securityConfigDigest,
} from "../../../components/logging/graylog/opensearchSecurity";
import {
  heapMiB,
  openSearchSecurityJobSpec,
  openSearchStatefulSetSpec,
} from "../../../components/logging/graylog/specs";
import { RESOURCES } from "./support/specs";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- specs are free-form JSON
type Json = any;

const NAMESPACE = "logging";
const INPUT = {
  image: "opensearchproject/opensearch:2.15.0",
  namespace: NAMESPACE,
  configMap: "os-config",
  nodeSecret: "os-node",
  adminSecret: "os-admin",
};

/**
 * securityadmin's options in opensearch-project/security 2.15.0.0
 * (src/main/java/org/opensearch/security/tools/SecurityAdmin.java, `options.addOption`): short
 * name, long name, and whether it takes a value. commons-cli's DefaultParser accepts `-short` and
 * `--long`.
 */
const UPSTREAM_OPTIONS: [string, string | undefined, boolean][] = [
  ["nhnv", "disable-host-name-verification", false],
  ["ts", "truststore", true],
  ["ks", "keystore", true],
  ["tst", "truststore-type", true],
  ["kst", "keystore-type", true],
  ["tspass", "truststore-password", true],
  ["kspass", "keystore-password", true],
  ["cd", "configdir", true],
  ["h", "hostname", true],
  ["p", "port", true],
  ["cn", "clustername", true],
  ["sniff", "enable-sniffing", false],
  ["icl", "ignore-clustername", false],
  ["r", "retrieve", false],
  ["f", "file", true],
  ["t", "type", true],
  ["ksalias", "keystore-alias", true],
  ["ec", "enabled-ciphers", true],
  ["ep", "enabled-protocols", true],
  ["us", "update_settings", true],
  ["i", "index", true],
  ["era", "enable-replica-autoexpand", false],
  ["dra", "disable-replica-autoexpand", false],
  ["rl", "reload", false],
  ["ff", "fail-fast", false],
  ["dg", "diagnose", false],
  ["dci", "delete-config-index", false],
  ["esa", "enable-shard-allocation", false],
  ["arc", "accept-red-cluster", false],
  ["cacert", undefined, true],
  ["cert", undefined, true],
  ["key", undefined, true],
  ["keypass", undefined, true],
  ["si", "show-info", false],
  ["w", "whoami", false],
  ["prompt", "prompt-for-password", false],
  ["er", "explicit-replicas", true],
  ["backup", undefined, true],
  ["migrate", undefined, true],
  ["rev", "resolve-env-vars", false],
  ["mo", "migrate-offline", true],
];

/** Our arguments read as SecurityAdmin's parser reads them: unknown options and stray values fail. */
function parseArgs(args: string[]): Map<string, string | true> {
  const parsed = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const token = args[i];
    const option = UPSTREAM_OPTIONS.find(([short, long]) => token === `-${short}` || token === `--${long}`);
    assert.ok(option, `${token} is not an option of securityadmin 2.15`);
    const [short, , hasArg] = option;
    assert.ok(!parsed.has(short), `-${short} given twice`);
    if (hasArg) {
      const value = args[++i];
      assert.ok(value !== undefined && !value.startsWith("-"), `-${short} takes a value`);
      parsed.set(short, value);
    } else parsed.set(short, true);
  }
  // SecurityAdmin.validate(): refused combinations and required options.
  assert.ok(!(parsed.has("cn") && parsed.has("icl")), "Only set one of -cn or -icl");
  assert.ok(parsed.has("ks") || parsed.has("cert"), "Specify at least -ks or -cert");
  assert.ok(parsed.has("ts") || parsed.has("cacert"), "Specify at least -ts or -cacert");
  return parsed;
}

const container = (spec: Json) => spec.template.spec.containers[0];
/** The volume a path in the container comes from, and which key of it. */
function sourceOf(spec: Json, path: string): { kind: string; name: string; key: string } {
  const c = container(spec);
  const mount = (c.volumeMounts as Json[])
    .filter((m) => path === m.mountPath || path.startsWith(`${m.mountPath}/`))
    .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
  assert.ok(mount, `nothing mounted at ${path}`);
  const volume = (spec.template.spec.volumes as Json[]).find((v) => v.name === mount.name);
  const key = mount.subPath ?? path.slice(mount.mountPath.length + 1);
  if (volume.configMap) return { kind: "ConfigMap", name: volume.configMap.name, key };
  const item = (volume.secret.items as Json[] | undefined)?.find((it) => it.path === key);
  return { kind: "Secret", name: volume.secret.secretName, key: item ? item.key : key };
}

describe("the OpenSearch security Job", () => {
  const spec = openSearchSecurityJobSpec(INPUT) as Json;
  const c = container(spec);
  const [shell, script, ...args] = c.command as string[];
  const parsed = parseArgs(args);

  test("runs the image's own securityadmin.sh with options securityadmin 2.15 knows", () => {
    assert.equal(shell, "/bin/bash");
    assert.equal(script, SECURITY_ADMIN_SCRIPT);
    assert.match(
      script,
      /^\/usr\/share\/opensearch\/plugins\/opensearch-security\/tools\/securityadmin\.sh$/,
    );
    assert.equal(c.image, INPUT.image);
    assert.deepEqual(args, securityAdminArgs(NAMESPACE));
  });

  test("uploads the security directory to the ClusterIP Service over HTTPS, checking its name", () => {
    assert.equal(parsed.get("cd"), OPENSEARCH_SECURITY_DIR);
    const host = parsed.get("h") as string;
    assert.equal(host, `${SERVICE_NAMES.opensearch}.${NAMESPACE}.svc.cluster.local`);
    assert.ok(openSearchDnsNames(NAMESPACE).includes(host), "the host is in the node certificate's SANs");
    assert.equal(parsed.get("p"), String(OPENSEARCH_HTTP_PORT));
    for (const off of ["nhnv", "arc", "ff", "rev", "f", "t", "dci", "rl", "ts", "ks"])
      assert.ok(!parsed.has(off), `-${off} is not given`);
  });

  test("authenticates with the admin Secret's certificate and key, trusts its CA, mounted read-only", () => {
    const files = {
      cacert: OPENSEARCH_ADMIN_FILES.ca,
      cert: OPENSEARCH_ADMIN_FILES.cert,
      key: OPENSEARCH_ADMIN_FILES.key,
    };
    for (const [option, key] of Object.entries(files))
      assert.deepEqual(
        sourceOf(spec, parsed.get(option) as string),
        {
          kind: "Secret",
          name: INPUT.adminSecret,
          key,
        },
        option,
      );
    for (const m of c.volumeMounts as Json[])
      if (m.mountPath !== "/tmp") assert.equal(m.readOnly, true, m.mountPath);
    const admin = (spec.template.spec.volumes as Json[]).find(
      (v) => v.secret?.secretName === INPUT.adminSecret,
    );
    assert.equal(admin.secret.defaultMode & 0o007, 0, "not readable by others");
  });

  test("the directory holds the pods' files: internal_users.yml from the node Secret, the rest from the ConfigMap", () => {
    const dir = parsed.get("cd") as string;
    assert.deepEqual(sourceOf(spec, `${dir}/${SECURITY_FILES.internalUsers}`), {
      kind: "Secret",
      name: INPUT.nodeSecret,
      key: SECURITY_FILES.internalUsers,
    });
    for (const f of PUBLIC_SECURITY_FILES)
      assert.deepEqual(sourceOf(spec, `${dir}/${f}`), { kind: "ConfigMap", name: INPUT.configMap, key: f });
    // The OpenSearch pods mount the same files at the same paths, from the same objects.
    const pods = openSearchStatefulSetSpec({
      image: INPUT.image,
      nodes: 3,
      storageGiB: 200,
      storageClass: "gp3",
      resources: RESOURCES,
      configMap: INPUT.configMap,
      nodeSecret: INPUT.nodeSecret,
      configDigest: "d",
    }) as Json;
    for (const f of [...PUBLIC_SECURITY_FILES, SECURITY_FILES.internalUsers])
      assert.deepEqual(sourceOf(pods, `${dir}/${f}`), sourceOf(spec, `${dir}/${f}`), f);
    // And the pods never see the admin Secret.
    assert.ok(!JSON.stringify(pods).includes(INPUT.adminSecret));
  });

  test("non-root, read-only, no API token, bounded retries and lifetime, requests and limits", () => {
    const pod = spec.template.spec;
    assert.equal(pod.restartPolicy, "Never");
    assert.equal(pod.automountServiceAccountToken, false);
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.equal(pod.securityContext.seccompProfile.type, "RuntimeDefault");
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.equal(c.securityContext.allowPrivilegeEscalation, false);
    assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"]);
    assert.ok(spec.backoffLimit > 0 && spec.activeDeadlineSeconds > 0 && spec.ttlSecondsAfterFinished > 0);
    for (const bound of ["requests", "limits"])
      assert.ok(c.resources[bound].cpu && c.resources[bound].memory, bound);
    const javaOpts = (c.env as Json[]).find((e) => e.name === "JAVA_OPTS").value;
    assert.equal(
      javaOpts,
      `-Xms${heapMiB(c.resources.limits.memory)}m -Xmx${heapMiB(c.resources.limits.memory)}m`,
    );
    assert.deepEqual(spec.template.metadata.labels, labelsFor("opensearch-security"));
  });

  test("the NetworkPolicy admits the Job's pods to OpenSearch's HTTP port, and to nothing else", () => {
    const policy = graylogNetworkPolicies()["opensearch-ingress"] as Json;
    const jobLabels = spec.template.metadata.labels;
    const admitted = (policy.ingress as Json[]).filter((r) =>
      r.from.some((f: Json) =>
        Object.entries(f.podSelector.matchLabels).every(([k, v]) => jobLabels[k] === v),
      ),
    );
    assert.deepEqual(
      admitted.flatMap((r) => r.ports),
      [{ protocol: "TCP", port: OPENSEARCH_HTTP_PORT }],
    );
  });
});

describe("when the security Job runs again (its digest)", () => {
  const hash = (c: string) => `$2y$12$${c.repeat(53)}`;
  const files = (h: string, extra: Record<string, string> = {}): Record<string, string> => ({
    ...publicSecurityFiles(),
    [SECURITY_FILES.internalUsers]: renderInternalUsers(h),
    ...extra,
  });
  const base = securityConfigDigest(files(hash("a")), "ADMIN-CERT");

  test("a rotated password (a new hash in internal_users.yml) changes it", () => {
    assert.notEqual(securityConfigDigest(files(hash("b")), "ADMIN-CERT"), base);
  });

  test("a changed role, role mapping or admin certificate changes it", () => {
    for (const f of PUBLIC_SECURITY_FILES) {
      const edited = { [f]: `${publicSecurityFiles()[f]}# edited\n` };
      assert.notEqual(securityConfigDigest(files(hash("a"), edited), "ADMIN-CERT"), base, f);
    }
    assert.notEqual(securityConfigDigest(files(hash("a")), "RENEWED-CERT"), base);
  });

  test("the same files and certificate, in any order, give the same digest (no rerun)", () => {
    const reversed = Object.fromEntries(Object.entries(files(hash("a"))).reverse());
    assert.equal(securityConfigDigest(reversed, "ADMIN-CERT"), base);
    assert.equal(securityConfigDigest(files(hash("a")), "ADMIN-CERT"), base);
  });

  test("content moved between file names is a change", () => {
    const f = files(hash("a"));
    const swapped = {
      ...f,
      [SECURITY_FILES.roles]: f[SECURITY_FILES.rolesMapping],
      [SECURITY_FILES.rolesMapping]: f[SECURITY_FILES.roles],
    };
    assert.notEqual(securityConfigDigest(swapped, "ADMIN-CERT"), base);
  });
});
