import type { StackValidationPolicy } from "@pulumi/policy";
import { configurable } from "../lib/config";
import { ofType, referencedBy } from "../lib/stack";
import { effectiveTags, hasRole } from "../lib/tags";
import { isTrue, records, text } from "../lib/values";

const LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer";
const LISTENER = "aws:lb/listener:Listener";
const TARGET_GROUP = "aws:lb/targetGroup:TargetGroup";
const TLS_PROTOCOLS = ["TLS", "HTTPS"];

const settings = configurable(
  {
    environments: ["production"],
    sslPolicyPrefix: "ELBSecurityPolicy-TLS13-",
    redirectRoles: ["httpsRedirect"],
  },
  {
    environments:
      "Values of the Environment tag (provider default tags) in which TLS at the edge is required.",
    sslPolicyPrefix: "Prefix of the ELB security policies accepted on TLS listeners.",
    redirectRoles: "Role tag of target groups that only answer with a redirect to https.",
  },
);

/**
 * A production edge serves HTTPS: an internet-facing load balancer has a TLS listener on 443
 * with a certificate and a current security policy, and its port 80, if open, only redirects
 * (an ALB's redirect action, or an NLB forwarding to a redirect-only target group).
 */
export const edgeTlsInProduction: StackValidationPolicy = {
  name: "edge-tls-in-production",
  description:
    "In production, internet-facing load balancers terminate TLS on 443 with a certificate and a TLS 1.3 policy; port 80 only redirects.",
  enforcementLevel: "mandatory",
  configSchema: settings.configSchema,
  validateStack: (args, report) => {
    const { environments, sslPolicyPrefix, redirectRoles } = settings.read(args);
    const listeners = ofType(args.resources, LISTENER);
    for (const lb of ofType(args.resources, LOAD_BALANCER)) {
      if (isTrue(lb.props.internal)) continue;
      const environment = effectiveTags(lb.props, lb.provider).Environment;
      if (!environment || !environments.includes(environment)) continue;
      const own = listeners.filter((l) => referencedBy(l, "loadBalancerArn").some((r) => r.urn === lb.urn));
      const tls = own.filter(
        (l) => l.props.port === 443 && TLS_PROTOCOLS.includes(text(l.props.protocol) ?? ""),
      );
      if (tls.length === 0)
        report(
          `A ${environment} load balancer without a TLS listener on 443 (set switchyard:edge.tls).`,
          lb.urn,
        );
      for (const l of tls) {
        if (!text(l.props.certificateArn) && referencedBy(l, "certificateArn").length === 0)
          report(`The TLS listener names no certificate.`, l.urn);
        const policy = text(l.props.sslPolicy) ?? "";
        if (!policy.startsWith(sslPolicyPrefix))
          report(`Security policy ${policy || "(default)"} is not a ${sslPolicyPrefix}* policy.`, l.urn);
      }
      for (const l of own.filter((x) => x.props.port === 80)) {
        const actions = records(l.props.defaultActions);
        const redirects = actions.every(
          (a) =>
            (a.type === "redirect" && text(records([a.redirect])[0]?.protocol) === "HTTPS") ||
            (a.type === "forward" &&
              referencedBy(l, "defaultActions").some(
                (g) => g.type === TARGET_GROUP && hasRole(g.props, redirectRoles),
              )),
        );
        if (actions.length === 0 || !redirects)
          report(`Port 80 serves plain HTTP in ${environment}; it may only redirect to https.`, l.urn);
      }
    }
  },
};
