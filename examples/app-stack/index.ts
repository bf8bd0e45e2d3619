/**
 * An app team's stack: the team's app in both colours on the platform's cluster, routed through
 * the platform's HAProxy fleet by a Route in the platform's etcd. Everything it needs to reach the
 * platform comes from the platform stack's exports through a StackReference; the etcd client
 * certificate is read from Secrets Manager with the deploying identity's IAM permissions.
 *
 * A release from CI:
 *   pulumi config set greenImage ghcr.io/acme/catalog:2.1.0   # stage the new version on the idle colour
 *   pulumi up                                                 # green rolls out; preview.<host> serves it
 *   pulumi config set live green && pulumi up                 # gated flip; fails (blue stays live) if not healthy
 * Rollback while blue is warm: `pulumi config set live blue && pulumi up` — a flip, no rollout.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  BlueGreenService,
  etcdConnectionFromSecret,
  isColour,
  requireStackExports,
} from "@switchyard/contract";

const config = new pulumi.Config();
const platform = requireStackExports(
  new pulumi.StackReference("platform", {
    name: config.get("platformStack") ?? "organization/switchyard/prod",
  }),
);

const live = config.require("live");
if (!isColour(live)) throw new Error(`config live must be "blue" or "green", got ${JSON.stringify(live)}`);
const replicas = config.getNumber("replicas") ?? 3;

const cluster = new k8s.Provider("platform", { kubeconfig: platform.kubeconfig });

const catalog = new BlueGreenService(
  "catalog",
  {
    namespace: platform.kubernetesNamespaces.apply((ns) => ns.apps),
    host: config.require("host"),
    port: 8080,
    healthCheckPath: "/healthz",
    live,
    blue: { image: config.require("blueImage"), replicas },
    green: { image: config.require("greenImage"), replicas },
    resources: { requests: { cpu: "200m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } },
    minHealthy: Math.min(2, replicas),
    scaleDownDelaySeconds: 1800,
    idleReplicas: 0,
    etcd: etcdConnectionFromSecret({
      endpoints: platform.etcdClientEndpoints,
      caPem: platform.etcdCaCertPem,
      clientSecretArn: platform.etcdClientSecretArn,
    }),
  },
  { providers: { kubernetes: cluster } },
);

export const liveColour = live;
export const previewHost = catalog.previewHost;
export const replicasByColour = catalog.replicas;
export const lastFlip = catalog.route?.flippedAt;
/** Point the app's DNS name (and preview.<host>) at this. */
export const dnsTarget = platform.elbDnsName;
