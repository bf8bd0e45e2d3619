/** EndpointSlices as the EndpointSlice controller writes them for components/apps' Services. */
import type { Endpoint, EndpointSlice } from "../../agent/src/registrar/members";

export function endpoint(
  pod: string,
  address: string,
  conditions: Endpoint["conditions"] = { ready: true, serving: true, terminating: false },
): Endpoint {
  return { addresses: [address], conditions, targetRef: { kind: "Pod", name: pod, namespace: "apps" } };
}

export function slice(app: string, colour: string, endpoints: Endpoint[], suffix = "x1"): EndpointSlice {
  return {
    metadata: {
      name: `${app}-${colour}-${suffix}`,
      namespace: "apps",
      labels: { app, colour, "kubernetes.io/service-name": `${app}-${colour}` },
    },
    addressType: "IPv4",
    endpoints,
    ports: [{ name: "http", port: 8080, protocol: "TCP" }],
  };
}
