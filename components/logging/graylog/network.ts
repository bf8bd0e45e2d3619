/**
 * Who may reach Graylog's search backend. OpenSearch authenticates every request itself (TLS and
 * its security plugin, opensearchSecurity.ts); the NetworkPolicies (enforced by the VPC CNI,
 * components/kubernetes/addons) narrow who can even connect: its HTTP port only from Graylog and
 * the security Job, its transport port only from the other OpenSearch nodes. Graylog's own port is open in-cluster (the
 * HAProxy tier, the configurator); sign-in is required there.
 */
import type * as k8s from "@pulumi/kubernetes";
import { OPENSEARCH_HTTP_PORT, OPENSEARCH_TRANSPORT_PORT, labelsFor } from "./layout";

type PolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;

export function graylogNetworkPolicies(): Record<string, PolicySpec> {
  const from = (component: string) => [{ podSelector: { matchLabels: labelsFor(component) } }];
  return {
    "opensearch-ingress": {
      podSelector: { matchLabels: labelsFor("opensearch") },
      policyTypes: ["Ingress"],
      ingress: [
        { from: from("graylog"), ports: [{ protocol: "TCP", port: OPENSEARCH_HTTP_PORT }] },
        // The security Job (securityadmin.sh speaks REST since 2.x): HTTP only, never transport.
        { from: from("opensearch-security"), ports: [{ protocol: "TCP", port: OPENSEARCH_HTTP_PORT }] },
        { from: from("opensearch"), ports: [{ protocol: "TCP", port: OPENSEARCH_TRANSPORT_PORT }] },
      ],
    },
  };
}
