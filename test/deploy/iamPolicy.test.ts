/**
 * deploy/iam/deploy-role-policy.json covers what the stack declares: every AWS resource type in
 * the prod plan maps to an IAM service prefix the policy allows, plus the calls the program and its
 * dynamic providers make. A type whose module is missing from the table fails here, so a new kind
 * of resource cannot reach `pulumi up` without the deploy role being extended first.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { planStack, ROOT } from "../helpers/plan";

interface Statement {
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

const read = (file: string) =>
  JSON.parse(readFileSync(join(ROOT, "deploy/iam", file), "utf8")) as { Statement: Statement[] };
const policy = read("deploy-role-policy.json");

/** Pulumi AWS module (the `<module>` in `aws:<module>/<resource>:<Type>`) -> IAM service prefix. */
const SERVICE_OF_MODULE: Record<string, string> = {
  ec2: "ec2",
  vpc: "ec2",
  ebs: "ec2",
  lb: "elasticloadbalancing",
  autoscaling: "autoscaling",
  iam: "iam",
  s3: "s3",
  kms: "kms",
  eks: "eks",
  acm: "acm",
  route53: "route53",
  secretsmanager: "secretsmanager",
  cloudwatch: "logs",
  dlm: "dlm",
  ssm: "ssm",
};

const actions = (effect: Statement["Effect"]) =>
  policy.Statement.filter((s) => s.Effect === effect).flatMap((s) => [s.Action].flat());

/** Whether an IAM action pattern list grants `action` (IAM wildcards: `*` within the action name). */
function grants(patterns: string[], action: string): boolean {
  return patterns.some((p) =>
    new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`, "i").test(action),
  );
}

describe("the deploy role's policy", () => {
  const prod = planStack("prod");

  test("allows a service for every AWS resource type the prod stack declares", () => {
    const modules = [
      ...new Set(
        prod.resources
          .filter((r) => r.type.startsWith("aws:"))
          .map((r) => r.type.split(":")[1]!.split("/")[0]!),
      ),
    ].sort();
    const unknown = modules.filter((m) => !(m in SERVICE_OF_MODULE));
    assert.deepEqual(unknown, [], "map these Pulumi modules to IAM prefixes, and allow them in the policy");
    const allowed = actions("Allow");
    const can = (service: string, verbs: string) =>
      allowed.some((a) => new RegExp(`^${service}:(${verbs})`, "i").test(a));
    for (const m of modules) {
      const service = SERVICE_OF_MODULE[m]!;
      assert.ok(can(service, "Create|Put|Request|Run"), `${m} resources need ${service} create actions`);
      assert.ok(can(service, "Delete|Terminate|Remove"), `${m} resources need ${service} delete actions`);
    }
  });

  test("allows the calls the program and its dynamic providers make", () => {
    const allowed = actions("Allow");
    for (const action of [
      "ec2:DescribeImages", // the AL2023 AMI lookups
      "ec2:DescribeAvailabilityZones",
      "sts:GetCallerIdentity", // the access-log bucket policy's account
      "elasticloadbalancing:DescribeTargetHealth", // FleetSwapGate
      "acm:RequestCertificate",
      "acm:DescribeCertificate", // CertificateValidation waits on it
      "route53:ChangeResourceRecordSets",
      "route53:GetChange",
      "iam:PassRole",
      "eks:CreateAccessEntry",
      "autoscaling:StartInstanceRefresh",
    ])
      assert.ok(grants(allowed, action), action);
  });

  test("passes roles only to the services that use them, and never creates users or keys", () => {
    const pass = policy.Statement.find(
      (s) => s.Effect === "Allow" && [s.Action].flat().includes("iam:PassRole"),
    );
    assert.deepEqual(
      (pass?.Condition?.StringEquals?.["iam:PassedToService"] as string[] | undefined)?.sort(),
      ["dlm.amazonaws.com", "ec2.amazonaws.com", "eks.amazonaws.com", "vpc-flow-logs.amazonaws.com"],
    );
    assert.ok(!grants(actions("Allow"), "iam:CreateAccessKey"));
    assert.ok(grants(actions("Deny"), "iam:CreateAccessKey") && grants(actions("Deny"), "iam:CreateUser"));
  });

  test("CI assumes it with OIDC, for one repository and environment only", () => {
    const [trust] = read("ci-trust-policy.json").Statement;
    assert.equal([trust!.Action].flat()[0], "sts:AssumeRoleWithWebIdentity");
    const conditions = trust!.Condition!.StringEquals!;
    assert.equal(conditions["token.actions.githubusercontent.com:aud"], "sts.amazonaws.com");
    assert.match(
      String(conditions["token.actions.githubusercontent.com:sub"]),
      /^repo:[^*]+:environment:production$/,
    );
  });
});
