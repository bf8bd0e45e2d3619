/**
 * MemberRegistrar as the prod stack declares it (offline plan under mocks), and its bundle.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { gunzipSync } from "node:zlib";
import { describeRegistrarBundle } from "../../../components/apps";
import { BUNDLE_ANNOTATION, BUNDLE_KEY } from "../../../components/apps/registrar/spec";
import type { PlannedResource } from "../../../scripts/lib/evaluate";
import { ROOT, byName, descendantsOf, ofType, planStack } from "../../helpers/plan";

const TYPE = "switchyard:apps:MemberRegistrar";
const NAME = "switchyard-registrar";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- plan inputs are the provider's JSON
type Inputs = Record<string, any>;

function children(type: string): PlannedResource[] {
  const plan = planStack("prod");
  return descendantsOf(plan, byName(plan, TYPE, NAME).urn).filter((r) => r.type === type);
}
function one(type: string): Inputs {
  const found = children(type);
  assert.equal(found.length, 1, `one ${type} in the registrar`);
  return found[0].inputs;
}

describe("MemberRegistrar in the prod plan", () => {
  test("one registrar per cluster, pinning the stack's apps, on the cluster's provider", () => {
    assert.equal(ofType(planStack("prod"), TYPE).length, 1);
    // Staging declares no apps itself but app teams deploy into its cluster: the registrar runs
    // there too, with no pinned apps (it discovers them from their labelled Services).
    const staging = planStack("staging");
    assert.equal(ofType(staging, TYPE).length, 1);
    const stagingEnv = descendantsOf(staging, byName(staging, TYPE, NAME).urn)
      .filter((r) => r.type === "kubernetes:apps/v1:Deployment")
      .map((r) => (r.inputs as Inputs).spec.template.spec.containers[0].env as Inputs[])[0];
    assert.ok(stagingEnv, "the staging registrar's Deployment");
    assert.equal(
      stagingEnv.find((e) => e.name === "SWITCHYARD_REGISTRAR_APPS"),
      undefined,
    );
    const [provider] = ofType(planStack("prod"), "pulumi:providers:kubernetes");
    assert.match(provider.urn, /switchyard:kubernetes:Cluster\$pulumi:providers:kubernetes::/);
    assert.equal(
      children("kubernetes:apps/v1:Deployment")[0].provider?.split("::").slice(0, -1).join("::"),
      provider.urn,
    );
    const env = one("kubernetes:apps/v1:Deployment").spec.template.spec.containers[0].env as Inputs[];
    assert.deepEqual(
      env.find((e) => e.name === "SWITCHYARD_REGISTRAR_APPS"),
      { name: "SWITCHYARD_REGISTRAR_APPS", value: "shop" },
    );
    assert.ok(
      env.some(
        (e) => e.name === "SWITCHYARD_REGISTRAR_ETCD_ENDPOINTS" && String(e.value).startsWith("https://"),
      ),
    );
  });

  test("RBAC: read-only on endpointslices, a Role per namespace it reads (apps, routed logging and monitoring); runs in platform", () => {
    const named = (type: string) => children(type).map((r) => ({ name: r.name, inputs: r.inputs as Inputs }));
    const roles = named("kubernetes:rbac.authorization.k8s.io/v1:Role");
    const bindings = named("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding");
    // Names of the apps namespace's Role and RoleBinding are unchanged: the Role stays in place.
    assert.deepEqual(roles.map((r) => [r.name, r.inputs.metadata.namespace]).sort(), [
      ["switchyard-registrar", "apps"],
      ["switchyard-registrar-logging", "logging"],
      ["switchyard-registrar-monitoring", "monitoring"],
    ]);
    for (const role of roles) {
      assert.deepEqual(role.inputs.rules, [
        { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["get", "list", "watch"] },
      ]);
    }
    assert.equal(children("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole").length, 0);
    assert.deepEqual(bindings.map((b) => [b.name, b.inputs.metadata.namespace]).sort(), [
      ["switchyard-registrar", "apps"],
      ["switchyard-registrar-logging", "logging"],
      ["switchyard-registrar-monitoring", "monitoring"],
    ]);
    for (const binding of bindings) {
      assert.equal(binding.inputs.roleRef.kind, "Role");
      assert.deepEqual(
        binding.inputs.subjects.map((s: Inputs) => [s.kind, s.namespace]),
        [["ServiceAccount", "platform"]],
      );
    }
    assert.equal(one("kubernetes:core/v1:ServiceAccount").metadata.namespace, "platform");
  });

  test("the etcd client certificate and key reach the cluster only as a secret", () => {
    const secret = one("kubernetes:core/v1:Secret");
    assert.equal(secret.metadata.namespace, "platform");
    assert.equal(secret.stringData, "[secret]");
    assert.equal(secret.data, undefined);
  });

  test("the ConfigMap holds the gzipped bundle; its sha256 rolls the pods", () => {
    const cm = one("kubernetes:core/v1:ConfigMap");
    const bundle = gunzipSync(Buffer.from(cm.binaryData[BUNDLE_KEY], "base64"));
    assert.ok(bundle.equals(readFileSync(join(ROOT, "dist/registrar/switchyard-registrar.js"))));
    const template = one("kubernetes:apps/v1:Deployment").spec.template;
    assert.equal(template.metadata.annotations[BUNDLE_ANNOTATION], describeRegistrarBundle(bundle).sha256);
  });

  test("pod: pinned image, probes on /healthz, requests and limits, non-root, read-only root FS", () => {
    const spec = one("kubernetes:apps/v1:Deployment").spec;
    assert.equal(spec.replicas, 2);
    const pod = spec.template.spec;
    const [c] = pod.containers;
    assert.match(c.image, /^node:20\.\d+\.\d+-alpine[\d.]*$/);
    assert.equal(c.readinessProbe.httpGet.path, "/healthz");
    assert.equal(c.livenessProbe.httpGet.path, "/healthz");
    assert.deepEqual(Object.keys(c.resources.requests).sort(), ["cpu", "memory"]);
    assert.deepEqual(Object.keys(c.resources.limits).sort(), ["cpu", "memory"]);
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.equal(c.securityContext.allowPrivilegeEscalation, false);
    assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"]);
    // The only writable path is the memory-backed emptyDir the bundle is inflated into.
    const run = pod.volumes.find((v: Inputs) => v.emptyDir);
    assert.equal(run.emptyDir.medium, "Memory");
    assert.match(c.command.join(" "), new RegExp(`gunzip -c \\S+/${BUNDLE_KEY.replace(/\./g, "\\.")} > `));
    const pdb = one("kubernetes:policy/v1:PodDisruptionBudget");
    assert.deepEqual(pdb.spec.selector.matchLabels, spec.selector.matchLabels);
  });

  test("the nodes admit HAProxy on the app's container port (pod IP members)", () => {
    const plan = planStack("prod");
    const rule = ofType(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").find(
      (r) => r.inputs.referencedSecurityGroupId === "switchyard-haproxy-id" && r.inputs.fromPort === 8080,
    );
    assert.ok(rule, "an ingress rule from the haproxy group on 8080");
    assert.equal(rule.inputs.securityGroupId, "switchyard-nodes-id");
    assert.equal(rule.inputs.toPort, 8080);
  });
});

describe("registrar bundle", () => {
  test("a bundle that would not fit a ConfigMap gzipped is refused", () => {
    assert.throws(() => describeRegistrarBundle(randomBytes(1024 * 1024)), /over the \d+ a ConfigMap/);
    assert.ok(describeRegistrarBundle(Buffer.from("x".repeat(1024 * 1024))).gzipBytes < 10_000);
  });
});
