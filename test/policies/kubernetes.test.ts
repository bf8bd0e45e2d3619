import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { k8sConfigMapNoSecrets } from "../../policies/rules/k8sConfigMapNoSecrets";
import { k8sContainerResources } from "../../policies/rules/k8sContainerResources";
import { k8sImagePinned, parseImage } from "../../policies/rules/k8sImagePinned";
import { k8sNoHostPorts } from "../../policies/rules/k8sNoHostPorts";
import { k8sServingProbes } from "../../policies/rules/k8sServingProbes";
import { checkResource, planned } from "./support/helpers";

const RESOURCES = { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } };
const PROBE = { httpGet: { path: "/healthz", port: 8080 } };

function container(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "web",
    image: "ghcr.io/switchyard/shop:1.4.2",
    ports: [{ containerPort: 8080 }],
    resources: RESOURCES,
    readinessProbe: PROBE,
    livenessProbe: PROBE,
    ...overrides,
  };
}

const deployment = (spec: Record<string, unknown>) =>
  planned("kubernetes:apps/v1:Deployment", "shop-blue", { spec: { template: { spec } } });

describe("k8s-container-resources", () => {
  it("passes containers that request and limit CPU and memory", async () => {
    assert.deepEqual(
      await checkResource(k8sContainerResources, deployment({ containers: [container()] })),
      [],
    );
  });

  it("reports a missing memory limit and init containers without any resources", async () => {
    const spec = {
      initContainers: [container({ name: "migrate", resources: undefined })],
      containers: [container({ resources: { requests: RESOURCES.requests, limits: { cpu: "1" } } })],
    };
    assert.deepEqual(await checkResource(k8sContainerResources, deployment(spec)), [
      'init container "migrate" has no requests for cpu, memory.',
      'init container "migrate" has no limits for cpu, memory.',
      'container "web" has no limits for memory.',
    ]);
  });

  it("finds the pod spec of CronJobs and bare Pods", async () => {
    const bare = { containers: [container({ resources: {} })] };
    const cron = planned("kubernetes:batch/v1:CronJob", "backup", {
      spec: { jobTemplate: { spec: { template: { spec: bare } } } },
    });
    const pod = planned("kubernetes:core/v1:Pod", "debug", { spec: bare });
    assert.equal((await checkResource(k8sContainerResources, cron)).length, 2);
    assert.equal((await checkResource(k8sContainerResources, pod)).length, 2);
  });

  it("checks the pods Strimzi creates: node pools, the entity operator, Cruise Control when present", async () => {
    const pool = (resources: unknown) =>
      planned("kubernetes:kafka.strimzi.io/v1:KafkaNodePool", "brokers", {
        spec: { replicas: 3, resources },
      });
    assert.deepEqual(await checkResource(k8sContainerResources, pool(RESOURCES)), []);
    assert.deepEqual(await checkResource(k8sContainerResources, pool({ requests: RESOURCES.requests })), [
      "KafkaNodePool pods (kafka and init containers) has no limits for cpu, memory.",
    ]);
    const kafka = planned("kubernetes:kafka.strimzi.io/v1:Kafka", "logs", {
      spec: {
        kafka: { version: "4.3.1" },
        entityOperator: { topicOperator: { resources: RESOURCES }, userOperator: {} },
        cruiseControl: {},
      },
    });
    assert.deepEqual(await checkResource(k8sContainerResources, kafka), [
      'entity operator container "user-operator" has no requests for cpu, memory.',
      'entity operator container "user-operator" has no limits for cpu, memory.',
      "Cruise Control has no requests for cpu, memory.",
      "Cruise Control has no limits for cpu, memory.",
    ]);
  });

  it("checks a Helm release's values.resources (the operator it installs)", async () => {
    const release = (values: Record<string, unknown>) =>
      planned("kubernetes:helm.sh/v3:Release", "strimzi", {
        chart: "oci://quay.io/strimzi-helm/strimzi-kafka-operator",
        values,
      });
    assert.deepEqual(await checkResource(k8sContainerResources, release({ resources: RESOURCES })), []);
    assert.deepEqual(await checkResource(k8sContainerResources, release({ replicas: 1 })), [
      "chart oci://quay.io/strimzi-helm/strimzi-kafka-operator (values.resources) has no requests for cpu, memory.",
      "chart oci://quay.io/strimzi-helm/strimzi-kafka-operator (values.resources) has no limits for cpu, memory.",
    ]);
  });

  it("ignores resources that are not workloads", async () => {
    const service = planned("kubernetes:core/v1:Service", "shop", { spec: { ports: [{ port: 80 }] } });
    assert.deepEqual(await checkResource(k8sContainerResources, service), []);
  });
});

describe("k8s-serving-probes", () => {
  it("passes serving containers with both probes", async () => {
    assert.deepEqual(await checkResource(k8sServingProbes, deployment({ containers: [container()] })), []);
  });

  it("reports a serving container without a readiness probe", async () => {
    const spec = { containers: [container({ readinessProbe: undefined })] };
    assert.deepEqual(await checkResource(k8sServingProbes, deployment(spec)), [
      'container "web" serves a port but has no readinessProbe.',
    ]);
  });

  it("leaves containers without ports and Jobs alone", async () => {
    const worker = {
      containers: [container({ ports: undefined, readinessProbe: undefined, livenessProbe: undefined })],
    };
    const job = planned("kubernetes:batch/v1:Job", "migrate", {
      spec: { template: { spec: { containers: [container({ livenessProbe: undefined })] } } },
    });
    assert.deepEqual(await checkResource(k8sServingProbes, deployment(worker)), []);
    assert.deepEqual(await checkResource(k8sServingProbes, job), []);
  });
});

describe("k8s-image-pinned", () => {
  it("parses tags and digests, not registry ports", () => {
    assert.deepEqual(parseImage("registry:5000/team/app"), { tag: undefined, digest: undefined });
    assert.deepEqual(parseImage("registry:5000/team/app:1.2"), { tag: "1.2", digest: undefined });
    assert.deepEqual(parseImage("app@sha256:abc"), { tag: undefined, digest: "sha256:abc" });
  });

  it("passes version tags and digests", async () => {
    const spec = { containers: [container(), container({ name: "sidecar", image: "envoy@sha256:0123" })] };
    assert.deepEqual(await checkResource(k8sImagePinned, deployment(spec)), []);
  });

  it("reports latest and untagged images", async () => {
    const spec = {
      containers: [
        container({ image: "nginx:latest" }),
        container({ name: "agent", image: "registry:5000/agent" }),
      ],
    };
    assert.deepEqual(await checkResource(k8sImagePinned, deployment(spec)), [
      'container "web" uses mutable tag "nginx:latest".',
      'container "agent" uses untagged image "registry:5000/agent".',
    ]);
  });

  it("takes the list of mutable tags from pack config", async () => {
    const spec = { containers: [container({ image: "app:stable" })] };
    assert.deepEqual(await checkResource(k8sImagePinned, deployment(spec)), []);
    const config = { mutableTags: ["latest", "stable"] };
    assert.equal((await checkResource(k8sImagePinned, deployment(spec), { config })).length, 1);
  });
});

describe("k8s-no-host-ports", () => {
  it("passes pods that publish through Services", async () => {
    assert.deepEqual(await checkResource(k8sNoHostPorts, deployment({ containers: [container()] })), []);
  });

  it("reports host ports and the host network", async () => {
    const spec = {
      hostNetwork: true,
      containers: [container({ ports: [{ containerPort: 8080, hostPort: 80 }] })],
    };
    assert.deepEqual(await checkResource(k8sNoHostPorts, deployment(spec)), [
      "The Deployment runs in the host network namespace.",
      'container "web" publishes host port 80.',
    ]);
  });
});

describe("k8s-configmap-no-secrets", () => {
  const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
  const configMap = (data: Record<string, unknown>) => planned(CONFIG_MAP, "settings", { data });

  it("passes configuration that points at its secrets", async () => {
    const ok = configMap({
      "telegraf.conf": 'password = "$INFLUX_PASSWORD"\n',
      "desired-state.json": JSON.stringify({ input: { username: "graylog", topic: "logs" } }),
      // A bundle names passwords in its code; only key material counts there.
      "graylog-configurator.js": 'const password = need("GRAYLOG_PASSWORD");',
    });
    assert.deepEqual(await checkResource(k8sConfigMapNoSecrets, ok), []);
  });

  it("reports a literal password, a private key and a Pulumi secret, naming the key", async () => {
    const found = await checkResource(
      k8sConfigMapNoSecrets,
      configMap({
        "app.ini": "admin_password = hunter2hunter2\n",
        "tls.pem": "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n",
        uri: "[secret]",
      }),
    );
    assert.equal(found.length, 3);
    assert.match(found[0], /^data\["app\.ini"\] contains a literal value for "admin_password"/);
    assert.match(found[1], /^data\["tls\.pem"\] contains a private key/);
    assert.match(found[2], /^data\["uri"\] contains a Pulumi secret/);
  });

  it("leaves other kinds and not-yet-known values alone", async () => {
    const secret = planned("kubernetes:core/v1:Secret", "s", { stringData: { password: "x" } });
    assert.deepEqual(await checkResource(k8sConfigMapNoSecrets, secret), []);
    assert.deepEqual(await checkResource(k8sConfigMapNoSecrets, configMap({ pending: undefined })), []);
  });
});

describe("workload kinds the container policies check", () => {
  const templated = [
    "kubernetes:apps/v1:Deployment",
    "kubernetes:apps/v1:StatefulSet",
    "kubernetes:apps/v1:DaemonSet",
    "kubernetes:apps/v1:ReplicaSet",
    "kubernetes:core/v1:ReplicationController",
    "kubernetes:batch/v1:Job",
  ];
  const unprobed = container({
    resources: {},
    readinessProbe: undefined,
    livenessProbe: undefined,
    name: undefined,
  });

  it("every workload kind's containers need resources; long-running ones need probes too", async () => {
    for (const type of templated) {
      const workload = planned(type, "w", { spec: { template: { spec: { containers: [unprobed] } } } });
      const resources = await checkResource(k8sContainerResources, workload);
      assert.equal(resources.length, 2, type);
      assert.match(resources[0], /^container "\?" /, "an unnamed container is named ?");
      const probes = await checkResource(k8sServingProbes, workload);
      assert.equal(probes.length, type.endsWith(":Job") ? 0 : 1, type);
    }
    const pod = planned("kubernetes:core/v1:Pod", "p", { spec: { containers: [unprobed] } });
    assert.deepEqual(await checkResource(k8sServingProbes, pod), [
      'container "?" serves a port but has no readinessProbe or livenessProbe.',
    ]);
  });

  it("resources of other providers are not workloads, whatever their kind's name", async () => {
    const spec = { template: { spec: { containers: [unprobed] } } };
    const apiDeployment = planned("aws:apigateway/deployment:Deployment", "api", { spec });
    assert.deepEqual(await checkResource(k8sContainerResources, apiDeployment), []);
    assert.deepEqual(await checkResource(k8sServingProbes, apiDeployment), []);
  });
});
