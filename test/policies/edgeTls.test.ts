import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { edgeTlsInProduction } from "../../policies/rules/edgeTls";
import { awsProvider, checkStack, dependingOn, idOf, planned } from "./helpers";

const LB = "aws:lb/loadBalancer:LoadBalancer";
const LISTENER = "aws:lb/listener:Listener";
const TG = "aws:lb/targetGroup:TargetGroup";
const CERT = "aws:acm/certificateValidation:CertificateValidation";

const production = awsProvider({ Environment: "production" });
const staging = awsProvider({ Environment: "staging" });

function stack(provider: typeof production) {
  const lb = planned(LB, "edge", { internal: false, loadBalancerType: "network" }, { provider });
  const app = planned(TG, "edge-blue", { port: 80 }, { provider });
  const redirect = planned(
    TG,
    "edge-blue-redirect",
    { port: 8081, tags: { Role: "httpsRedirect" } },
    { provider },
  );
  const cert = planned(CERT, "edge-tls", { certificateArn: "arn:aws:acm:eu-west-1:1:certificate/x" });
  const listener = (name: string, inputs: Record<string, unknown>, ...refs: ReturnType<typeof planned>[]) =>
    dependingOn(planned(LISTENER, name, { loadBalancerArn: idOf(lb), ...inputs }), lb, ...refs);
  return { lb, app, redirect, cert, listener, provider };
}

const forward = (tg: ReturnType<typeof planned>) => [{ type: "forward", targetGroupArn: idOf(tg) }];

describe("edge-tls-in-production", () => {
  it("passes TLS 1.3 on 443 with a certificate and port 80 only redirecting (NLB target or ALB action)", async () => {
    const s = stack(production);
    const https = s.listener(
      "edge-https",
      {
        port: 443,
        protocol: "TLS",
        certificateArn: idOf(s.cert),
        sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
        defaultActions: forward(s.app),
      },
      s.cert,
      s.app,
    );
    const http = s.listener(
      "edge-http",
      { port: 80, protocol: "TCP", defaultActions: forward(s.redirect) },
      s.redirect,
    );
    assert.deepEqual(
      await checkStack(edgeTlsInProduction, [production, s.lb, s.app, s.redirect, s.cert, https, http]),
      [],
    );
    const albRedirect = s.listener("edge-http", {
      port: 80,
      protocol: "HTTP",
      defaultActions: [
        { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
      ],
    });
    assert.deepEqual(
      await checkStack(edgeTlsInProduction, [production, s.lb, s.app, s.cert, https, albRedirect]),
      [],
    );
  });

  it("fails a production edge with plain HTTP only, naming both problems", async () => {
    const s = stack(production);
    const http = s.listener(
      "edge-http",
      { port: 80, protocol: "TCP", defaultActions: forward(s.app) },
      s.app,
    );
    assert.deepEqual(await checkStack(edgeTlsInProduction, [production, s.lb, s.app, http]), [
      "edge: A production load balancer without a TLS listener on 443 (set switchyard:edge.tls).",
      "edge-http: Port 80 serves plain HTTP in production; it may only redirect to https.",
    ]);
  });

  it("fails a TLS listener without a certificate or with an old policy", async () => {
    const s = stack(production);
    const https = s.listener(
      "edge-https",
      {
        port: 443,
        protocol: "TLS",
        sslPolicy: "ELBSecurityPolicy-2016-08",
        defaultActions: forward(s.app),
      },
      s.app,
    );
    assert.deepEqual(await checkStack(edgeTlsInProduction, [production, s.lb, s.app, https]), [
      "edge-https: The TLS listener names no certificate.",
      "edge-https: Security policy ELBSecurityPolicy-2016-08 is not a ELBSecurityPolicy-TLS13-* policy.",
    ]);
  });

  it("leaves other environments and internal load balancers alone", async () => {
    const s = stack(staging);
    const http = s.listener(
      "edge-http",
      { port: 80, protocol: "TCP", defaultActions: forward(s.app) },
      s.app,
    );
    assert.deepEqual(await checkStack(edgeTlsInProduction, [staging, s.lb, s.app, http]), []);
    const p = stack(production);
    const internal = { ...p.lb, inputs: { ...p.lb.inputs, internal: true } };
    assert.deepEqual(await checkStack(edgeTlsInProduction, [production, internal]), []);
  });
});
