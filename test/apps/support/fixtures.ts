/** The example app of Pulumi.prod.yaml as component arguments. */
import type { BlueGreenServiceArgs } from "../../../components/apps/types";

export const shop: BlueGreenServiceArgs = {
  namespace: "apps",
  host: "shop.example.com",
  port: 8080,
  healthCheckPath: "/healthz",
  live: "blue",
  blue: { image: "ghcr.io/switchyard/shop:1.4.2", replicas: 3 },
  green: { image: "ghcr.io/switchyard/shop:1.5.0", replicas: 3 },
  resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } },
  minHealthy: 2,
};
