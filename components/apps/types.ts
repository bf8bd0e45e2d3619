/** The typed contract of a blue-green app, shared by stack config and app teams' own stacks. */
import type * as pulumi from "@pulumi/pulumi";
import type { Colour } from "../../model/validators";

export type { Colour };

export interface ColourArgs {
  /** A pinned image (tag or digest). */
  image: string;
  /** Full size of the colour while it is live (and while it is kept warm after a flip). */
  replicas: number;
}

export interface ResourceQuantities {
  cpu: string;
  memory: string;
}

export interface ResourcesArgs {
  requests: ResourceQuantities;
  limits: ResourceQuantities;
}

export interface AutoscalingArgs {
  /** Floor of the live colour; copied to the colour being promoted so it starts at full strength. */
  minReplicas: number;
  maxReplicas: number;
  targetCpuPercent: number;
}

/** How the Route reaches etcd. Certificates and key are PEM text; pass them as secrets. */
export interface EtcdConnectionArgs {
  endpoints: pulumi.Input<pulumi.Input<string>[]>;
  ca?: pulumi.Input<string>;
  cert?: pulumi.Input<string>;
  key?: pulumi.Input<string>;
}

export interface GateArgs {
  /** How long every live agent may take to report the target colour healthy before the flip. */
  healthTimeoutSeconds?: number;
  /** How long every live agent may take to confirm it serves the new colour after the flip. */
  verifyTimeoutSeconds?: number;
  /**
   * HAProxy frontends (http://address:port) to request the preview host through before the flip;
   * every one must answer 2xx/3xx on the health path.
   */
  smokeCheckUrls?: pulumi.Input<pulumi.Input<string>[]>;
}

export interface BlueGreenServiceArgs {
  /** Kubernetes namespace for both colours. */
  namespace: pulumi.Input<string>;
  host: string;
  /** Extra exact host names routed to the live colour (one Route each). */
  aliases?: string[];
  /** Host that serves the idle colour; default preview.<host>. */
  previewHost?: string;
  /** Container port the app listens on. */
  port: number;
  /** HTTP path used by the readiness and liveness probes and by HAProxy's health check. */
  healthCheckPath: string;
  live: Colour;
  blue: ColourArgs;
  green: ColourArgs;
  resources: ResourcesArgs;
  /** Agents refuse to flip to a colour with fewer servers UP; also the live colour's PDB floor. */
  minHealthy: number;
  /** Seconds the previous colour stays at full size after a flip. Default 1800. */
  scaleDownDelaySeconds?: number;
  /** Replicas of the idle colour once it is no longer warm. Default 0. */
  idleReplicas?: number;
  autoscaling?: AutoscalingArgs;
  /** Where the route is published; without it no Route is declared (Kubernetes side only). */
  etcd?: EtcdConnectionArgs;
  gate?: GateArgs;
}
