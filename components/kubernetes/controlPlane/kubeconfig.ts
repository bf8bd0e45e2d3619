/** Kubeconfig rendering: a pure function so its shape is tested without a cluster. */

export interface KubeconfigArgs {
  clusterName: string;
  endpoint: string;
  /** Base64 PEM, as EKS returns it. */
  certificateAuthorityData: string;
  region: string;
}

/**
 * A kubeconfig (JSON is valid YAML) whose user runs `aws eks get-token`: it holds no credential,
 * every call gets a short-lived token from the caller's own AWS identity, which the cluster maps to
 * Kubernetes permissions through its access entries.
 */
export function renderKubeconfig(args: KubeconfigArgs): string {
  const name = args.clusterName;
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name,
        cluster: { server: args.endpoint, "certificate-authority-data": args.certificateAuthorityData },
      },
    ],
    contexts: [{ name, context: { cluster: name, user: name } }],
    "current-context": name,
    users: [
      {
        name,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["eks", "get-token", "--cluster-name", name, "--region", args.region, "--output", "json"],
            interactiveMode: "Never",
          },
        },
      },
    ],
  });
}
