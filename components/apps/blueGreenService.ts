/**
 * switchyard:apps:BlueGreenService — both colours of an app in Kubernetes plus its Route in etcd.
 *
 * Order within one `pulumi up` (a flip is just `live` changing):
 *   1. Services (one ClusterIP per colour, labelled for switchyard-registrar) and the colour that is to be live: its Deployment at full
 *      size (autoscaling floor included), its HPA and PDB. Kubernetes' await logic holds here until
 *      the Deployment is rolled out and ready.
 *   2. The Route: gate on every agent seeing the new colour healthy, flip, verify, or fail and leave
 *      the previous colour live.
 *   3. The other colour, sized from the Route's state: warm (full size) for scaleDownDelaySeconds
 *      after a flip, then idleReplicas. It waits for the Route, so a refused flip never shrinks the
 *      colour that is still serving.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { otherColour, defaultPreviewHost } from "../../model/validators";
import { DEFAULT_SCALE_DOWN_DELAY_SECONDS, disruptionBudget, planColours } from "./colourPlan";
import type { ColourPlan } from "./colourPlan";
import { Route } from "./route/route";
import type { RouteArgs } from "./route/route";
import type { BlueGreenServiceArgs, Colour, EtcdConnectionArgs } from "./types";
import { assertDeployable } from "./validate";
import { autoscalerSpec, deploymentSpec, serviceSpec } from "./workload";
import { colourLabels, colourObjectName, serviceLabels } from "../../model/labels";

export class BlueGreenService extends pulumi.ComponentResource {
  readonly deployments: Record<Colour, k8s.apps.v1.Deployment>;
  readonly services: Record<Colour, k8s.core.v1.Service>;
  readonly route?: Route;
  readonly aliasRoutes: Route[];
  readonly previewHost: string;
  /** Replicas each colour was planned at (the idle colour's depends on the Route's last flip). */
  readonly replicas: Record<Colour, pulumi.Output<number>>;

  constructor(name: string, args: BlueGreenServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("switchyard:apps:BlueGreenService", name, {}, opts);
    assertDeployable(name, args);
    const live = args.live;
    const idle = otherColour(live);
    const previewHost = args.previewHost ?? defaultPreviewHost(args.host);
    const namespace = args.namespace;
    const metadata = (colour: Colour) => ({
      name: colourObjectName(name, colour),
      namespace,
      labels: colourLabels(name, colour),
    });

    const services = {} as Record<Colour, k8s.core.v1.Service>;
    for (const colour of ["blue", "green"] as const) {
      services[colour] = new k8s.core.v1.Service(
        colourObjectName(name, colour),
        {
          // The routed label makes switchyard-registrar write this colour's members from the
          // Service's EndpointSlices, whichever stack declares the app.
          metadata: { ...metadata(colour), labels: serviceLabels(name, colour) },
          spec: serviceSpec(name, colour, args),
        },
        { parent: this },
      );
    }

    const planFor = (flippedAt?: string, previousColour?: Colour): Record<Colour, ColourPlan> =>
      planColours({
        live,
        replicas: { blue: args.blue.replicas, green: args.green.replicas },
        idleReplicas: args.idleReplicas ?? 0,
        scaleDownDelaySeconds: args.scaleDownDelaySeconds ?? DEFAULT_SCALE_DOWN_DELAY_SECONDS,
        autoscaling: args.autoscaling,
        flippedAt,
        previousColour,
        now: Date.now(),
      });

    // The live colour's plan does not depend on the last flip, so it is known before the Route.
    const livePlan = planFor()[live];
    const deployments = {} as Record<Colour, k8s.apps.v1.Deployment>;
    deployments[live] = new k8s.apps.v1.Deployment(
      colourObjectName(name, live),
      { metadata: metadata(live), spec: deploymentSpec(name, live, args[live].image, args, livePlan) },
      { parent: this },
    );
    const hpa = autoscalerSpec(name, live, livePlan);
    const liveHpa = hpa
      ? new k8s.autoscaling.v2.HorizontalPodAutoscaler(
          colourObjectName(name, live),
          { metadata: metadata(live), spec: hpa },
          { parent: this, dependsOn: [deployments[live]] },
        )
      : undefined;
    this.pdb(name, live, metadata(live), pulumi.output(livePlan), args.minHealthy);

    const etcd = args.etcd;
    const routeArgs = (connection: EtcdConnectionArgs, host: string, preview?: string): RouteArgs => ({
      host,
      app: name,
      live,
      // Members are pod IP + container port (switchyard-registrar); this is their default port.
      backends: {
        blue: { port: args.port, healthCheckPath: args.healthCheckPath },
        green: { port: args.port, healthCheckPath: args.healthCheckPath },
      },
      minHealthy: args.minHealthy,
      previewHost: preview,
      etcd: connection,
      gate: args.gate,
    });
    const ready = [deployments[live], services.blue, services.green, ...(liveHpa ? [liveHpa] : [])];
    const route = etcd
      ? new Route(name, routeArgs(etcd, args.host, previewHost), { parent: this, dependsOn: ready })
      : undefined;
    // Aliases follow the main route: they flip only once the main host has flipped and been verified.
    this.aliasRoutes =
      etcd && route
        ? (args.aliases ?? []).map(
            (alias) =>
              new Route(`${name}-${alias}`, routeArgs(etcd, alias), { parent: this, dependsOn: [route] }),
          )
        : [];
    this.route = route;

    const idlePlan = this.route
      ? pulumi
          .all([this.route.flippedAt, this.route.previousColour])
          .apply(([at, prev]) => planFor(at, prev)[idle])
      : pulumi.output(planFor()[idle]);
    deployments[idle] = new k8s.apps.v1.Deployment(
      colourObjectName(name, idle),
      {
        metadata: metadata(idle),
        spec: idlePlan.apply((plan) => deploymentSpec(name, idle, args[idle].image, args, plan)),
      },
      { parent: this, dependsOn: this.route ? [this.route, ...this.aliasRoutes] : [] },
    );
    this.pdb(name, idle, metadata(idle), idlePlan, args.minHealthy);

    this.deployments = deployments;
    this.services = services;
    this.previewHost = previewHost;
    this.replicas = {
      [live]: pulumi.output(livePlan.replicas),
      [idle]: idlePlan.apply((p) => p.replicas),
    } as Record<Colour, pulumi.Output<number>>;
    this.registerOutputs({
      liveColour: live,
      previewHost,
      replicas: this.replicas,
      routeKey: this.route?.key,
      flippedAt: this.route?.flippedAt,
    });
  }

  private pdb(
    app: string,
    colour: Colour,
    metadata: k8s.types.input.meta.v1.ObjectMeta,
    plan: pulumi.Output<ColourPlan>,
    minHealthy: number,
  ): k8s.policy.v1.PodDisruptionBudget {
    return new k8s.policy.v1.PodDisruptionBudget(
      colourObjectName(app, colour),
      {
        metadata,
        spec: plan.apply((p) => ({
          selector: { matchLabels: colourLabels(app, colour) },
          ...disruptionBudget(p, minHealthy),
        })),
      },
      { parent: this },
    );
  }
}
