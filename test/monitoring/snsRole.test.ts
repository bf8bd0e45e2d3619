/**
 * Grafana's SNS contact point in an offline plan (prod plus an SNS topic): an IRSA role that only
 * Grafana's service account can assume, allowed sns:Publish on exactly that topic, annotated on
 * the service account. Without SNS (prod as committed) there is no such role.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { GRAFANA_SERVICE_ACCOUNT } from "../../components/monitoring/layout";
import { byName, ofType, planStack, planVariant } from "../helpers/plan";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- planned inputs are free-form
type Json = any;

const TOPIC = "arn:aws:sns:eu-west-1:123456789012:switchyard-alerts";

describe("Grafana's SNS contact point", () => {
  const run = planVariant("prod", (config) => {
    const mon = config["switchyard:monitoring"] as Json;
    mon.alerts.contactPoints.sns = { topicArn: TOPIC };
  });
  assert.ok(run.plan, run.stderr);
  const plan = run.plan;

  test("an IRSA role trusted by the cluster's OIDC provider for monitoring/grafana only", () => {
    const role = byName(plan, "aws:iam/role:Role", "monitoring-grafana-sns").inputs as Json;
    const trust = JSON.parse(role.assumeRolePolicy);
    assert.equal(trust.Statement.length, 1);
    const [s] = trust.Statement;
    assert.equal(s.Action, "sts:AssumeRoleWithWebIdentity");
    assert.match(s.Principal.Federated, /oidc-provider|OpenIdConnectProvider|oidc/i);
    const conditions = s.Condition.StringEquals as Record<string, string>;
    const sub = Object.entries(conditions).find(([k]) => k.endsWith(":sub"));
    const aud = Object.entries(conditions).find(([k]) => k.endsWith(":aud"));
    assert.equal(sub?.[1], `system:serviceaccount:monitoring:${GRAFANA_SERVICE_ACCOUNT}`);
    assert.equal(aud?.[1], "sts.amazonaws.com");
  });

  test("its only permission: sns:Publish on the configured topic; no managed policy", () => {
    const policy = JSON.parse(
      String(byName(plan, "aws:iam/rolePolicy:RolePolicy", "monitoring-grafana-sns").inputs.policy),
    );
    assert.deepEqual(policy.Statement, [{ Effect: "Allow", Action: "sns:Publish", Resource: TOPIC }]);
    assert.equal(
      ofType(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((r) =>
        r.name.startsWith("monitoring-grafana-sns"),
      ).length,
      0,
    );
  });

  test("Grafana's service account carries the role; the Deployment runs as it", () => {
    const sa = byName(plan, "kubernetes:core/v1:ServiceAccount", "monitoring-grafana").inputs as Json;
    assert.equal(sa.metadata.name, GRAFANA_SERVICE_ACCOUNT);
    // The mocks give a role the ARN arn:aws:iam:<region>:<account>:role/<name>.
    assert.match(sa.metadata.annotations["eks.amazonaws.com/role-arn"], /:role\/monitoring-grafana-sns$/);
    const deployment = byName(plan, "kubernetes:apps/v1:Deployment", "monitoring-grafana").inputs as Json;
    assert.equal(deployment.spec.template.spec.serviceAccountName, GRAFANA_SERVICE_ACCOUNT);
  });

  test("without an SNS contact point there is no role and no annotation", () => {
    const prod = planStack("prod");
    assert.equal(
      ofType(prod, "aws:iam/role:Role").filter((r) => r.name === "monitoring-grafana-sns").length,
      0,
    );
    const sa = byName(prod, "kubernetes:core/v1:ServiceAccount", "monitoring-grafana").inputs as Json;
    assert.equal(sa.metadata.annotations, undefined);
  });
});
