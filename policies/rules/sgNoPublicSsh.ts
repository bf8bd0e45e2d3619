import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configurable } from "../lib/config";
import { ingressOf, isPublicCidr, opensPort, portsLabel } from "../lib/network";

const settings = configurable(
  { ports: [22] },
  { ports: "Remote-administration ports that no public address may reach." },
);

/**
 * Hosts are reached through SSM Session Manager (the VPC has its endpoints), never SSH from the
 * internet. Stricter than the edge rule: any non-private range counts, not only 0.0.0.0/0.
 */
export const sgNoPublicSsh: ResourceValidationPolicy = {
  name: "sg-no-public-ssh",
  description: "No security-group ingress on SSH (22) from any public address range.",
  enforcementLevel: "mandatory",
  configSchema: settings.configSchema,
  validateResource: (args, report) => {
    const { ports } = settings.read(args);
    for (const ingress of ingressOf(args.type, args.props)) {
      const publicCidrs = ingress.cidrs.filter(isPublicCidr);
      const port = ports.find((p) => opensPort(ingress, p));
      if (publicCidrs.length > 0 && port !== undefined) {
        report(`${portsLabel(ingress)} opens port ${port} to public ${publicCidrs.join(", ")}.`);
      }
    }
  },
};
