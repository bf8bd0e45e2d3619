/** Maps an app from this stack's `switchyard:apps` config onto the component's arguments. */
import type { AppConfig } from "../config";
import type { BlueGreenServiceArgs, EtcdConnectionArgs, GateArgs } from "./types";

export function appArgsFromConfig(
  app: AppConfig,
  namespace: BlueGreenServiceArgs["namespace"],
  etcd?: EtcdConnectionArgs,
  gate?: GateArgs,
): BlueGreenServiceArgs {
  return {
    namespace,
    host: app.host,
    aliases: app.aliases,
    previewHost: app.previewHost,
    port: app.port,
    healthCheckPath: app.healthCheckPath,
    live: app.live,
    blue: app.blue,
    green: app.green,
    resources: app.resources,
    minHealthy: app.minHealthy,
    scaleDownDelaySeconds: app.scaleDownDelaySeconds,
    idleReplicas: app.idleReplicas,
    autoscaling: app.autoscaling,
    etcd,
    gate,
  };
}
