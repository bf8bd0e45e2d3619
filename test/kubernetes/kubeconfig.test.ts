import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { renderKubeconfig } from "../../components/kubernetes/controlPlane/kubeconfig";
import { SECRET_PLACEHOLDER } from "../../scripts/lib/evaluate";
import { ofType } from "../helpers/plan";
import { inCluster, one, prod } from "./support/fixtures";

describe("Kubernetes provider and kubeconfig", () => {
  test("the kubeconfig authenticates with `aws eks get-token` and holds no credential", () => {
    const config = JSON.parse(
      renderKubeconfig({
        clusterName: "c1",
        endpoint: "https://x.eks.amazonaws.com",
        certificateAuthorityData: "Q0E=",
        region: "eu-west-1",
      }),
    );
    assert.deepEqual(config.clusters, [
      {
        name: "c1",
        cluster: { server: "https://x.eks.amazonaws.com", "certificate-authority-data": "Q0E=" },
      },
    ]);
    assert.equal(config["current-context"], "c1");
    const user = config.users[0].user;
    assert.deepEqual(Object.keys(user), ["exec"]);
    assert.equal(user.exec.command, "aws");
    assert.deepEqual(user.exec.args, [
      "eks",
      "get-token",
      "--cluster-name",
      "c1",
      "--region",
      "eu-west-1",
      "--output",
      "json",
    ]);
    assert.equal(user.exec.apiVersion, "client.authentication.k8s.io/v1beta1");
  });

  test("the kubeconfig is a secret in `npm run plan -- --json`, as output and as provider input", () => {
    const plan = prod();
    assert.equal(plan.outputs.kubeconfig, SECRET_PLACEHOLDER);
    assert.deepEqual(one(plan, "pulumi:providers:kubernetes").inputs, { kubeconfig: SECRET_PLACEHOLDER });
  });

  test("every Kubernetes resource of the component uses the cluster's provider", () => {
    const plan = prod();
    const provider = one(plan, "pulumi:providers:kubernetes");
    const k8sResources = plan.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
    const ours = inCluster(plan, "kubernetes:core/v1:Namespace");
    assert.ok(ours.length > 0);
    assert.equal(ofType(plan, "pulumi:providers:kubernetes").filter((p) => p.urn === provider.urn).length, 1);
    for (const r of k8sResources)
      assert.equal(r.provider, `${provider.urn}::${provider.name}-id`, `${r.type} ${r.name}`);
  });
});
