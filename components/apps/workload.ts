/**
 * Kubernetes object specs for one colour, as pure functions of the app's spec and the colour's
 * plan: the component only wires them into resources, the tests read them directly.
 */
import type * as k8s from "@pulumi/kubernetes";
import type { ColourPlan } from "./colourPlan";
import { colourLabels, colourObjectName } from "../../model/labels";
import type { BlueGreenServiceArgs, Colour } from "./types";

type Spec = Pick<BlueGreenServiceArgs, "port" | "healthCheckPath" | "resources">;

/**
 * Readiness gates the Service endpoints (and so HAProxy's view of the colour); liveness restarts a
 * wedged process. Liveness starts later and tolerates more failures so that a slow start is not
 * mistaken for a hang.
 */
export function probes(spec: Spec): {
  readinessProbe: k8s.types.input.core.v1.Probe;
  livenessProbe: k8s.types.input.core.v1.Probe;
} {
  const httpGet = { path: spec.healthCheckPath, port: "http" };
  return {
    readinessProbe: {
      httpGet,
      periodSeconds: 5,
      timeoutSeconds: 2,
      failureThreshold: 2,
      successThreshold: 1,
    },
    livenessProbe: {
      httpGet,
      initialDelaySeconds: 15,
      periodSeconds: 10,
      timeoutSeconds: 2,
      failureThreshold: 3,
    },
  };
}

export function deploymentSpec(
  app: string,
  colour: Colour,
  image: string,
  spec: Spec,
  plan: ColourPlan,
): k8s.types.input.apps.v1.DeploymentSpec {
  const labels = colourLabels(app, colour);
  return {
    replicas: plan.replicas,
    selector: { matchLabels: labels },
    // Never fewer ready pods than asked for during a rollout of the same colour.
    strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
    template: {
      metadata: { labels },
      spec: {
        containers: [
          {
            name: app,
            image,
            ports: [{ name: "http", containerPort: spec.port, protocol: "TCP" }],
            resources: { requests: { ...spec.resources.requests }, limits: { ...spec.resources.limits } },
            ...probes(spec),
          },
        ],
      },
    },
  };
}

/**
 * One ClusterIP Service per colour. HAProxy does not go through it: switchyard-registrar turns the
 * EndpointSlices the Service gets into members (pod IP + container port, the Route's backend port),
 * so the Service exists for its slices and in-cluster callers, and opens no port on the nodes.
 */
export function serviceSpec(app: string, colour: Colour, spec: Spec): k8s.types.input.core.v1.ServiceSpec {
  return {
    type: "ClusterIP",
    selector: colourLabels(app, colour),
    ports: [{ name: "http", port: spec.port, targetPort: "http", protocol: "TCP" }],
  };
}

export function autoscalerSpec(
  app: string,
  colour: Colour,
  plan: ColourPlan,
): k8s.types.input.autoscaling.v2.HorizontalPodAutoscalerSpec | undefined {
  if (!plan.autoscaling) return undefined;
  return {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: colourObjectName(app, colour) },
    minReplicas: plan.autoscaling.minReplicas,
    maxReplicas: plan.autoscaling.maxReplicas,
    metrics: [
      {
        type: "Resource",
        resource: {
          name: "cpu",
          target: { type: "Utilization", averageUtilization: plan.autoscaling.targetCpuPercent },
        },
      },
    ],
  };
}
