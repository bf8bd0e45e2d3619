/**
 * Shared by the registrar tests: EndpointSlices as the EndpointSlice controller writes them for
 * components/apps' Services, and the bundled registrar started against a testbed etcd.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { platformServiceLabels } from "../../../../model/labels";
import { registrarEnvName } from "../../../../model/registrar";
import type { Endpoint, EndpointSlice } from "../../../../hosts/registrar/members";
import type { EtcdCluster } from "../../../../hosts/testbed/etcd-cluster";
import { freePort, killPid, spawnLogged } from "../../../../hosts/testbed/procs";
import { ROOT } from "../../../helpers/plan";
import { startFakeKubeApi } from "./fakeKubeApi";
import type { FakeKubeApi } from "./fakeKubeApi";

export function endpoint(
  pod: string,
  address: string,
  conditions: Endpoint["conditions"] = { ready: true, serving: true, terminating: false },
): Endpoint {
  return { addresses: [address], conditions, targetRef: { kind: "Pod", name: pod, namespace: "apps" } };
}

/** A slice of a platform Service labelled for a single-colour route (components/apps/platform). */
export function platformSlice(
  namespace: string,
  service: string,
  app: string,
  endpoints: Endpoint[],
  port: number,
): EndpointSlice {
  return {
    metadata: {
      name: `${service}-x1`,
      namespace,
      labels: { ...platformServiceLabels(app), "kubernetes.io/service-name": service },
    },
    addressType: "IPv4",
    endpoints,
    ports: [{ name: "http", port, protocol: "TCP" }],
  };
}

export function slice(app: string, colour: string, endpoints: Endpoint[], port = 8080): EndpointSlice {
  return {
    metadata: {
      name: `${app}-${colour}-x1`,
      namespace: "apps",
      labels: {
        app,
        colour,
        "switchyard.io/routed": "true",
        "kubernetes.io/service-name": `${app}-${colour}`,
      },
    },
    addressType: "IPv4",
    endpoints,
    ports: [{ name: "http", port, protocol: "TCP" }],
  };
}

/** The bundled registrar (dist/registrar/switchyard-registrar.js) against a testbed etcd with mTLS. */
export interface RegistrarRun {
  kube: FakeKubeApi;
  httpPort: number;
  /** The tail of the registrar's log, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

export function buildBundles(): void {
  execFileSync(process.execPath, [join(ROOT, "hosts/build.mjs")], { cwd: ROOT, stdio: "inherit" });
}

export async function startRegistrar(
  etcd: EtcdCluster,
  opts: {
    apps?: string[];
    platformNamespaces?: string[];
    resyncSeconds: number;
    beforeStart?: (kube: FakeKubeApi) => void | Promise<void>;
  },
): Promise<RegistrarRun> {
  const tls = etcd.tls;
  if (!tls) throw new Error("the registrar tests run etcd with mTLS, as production does");
  const token = `token-${Date.now()}`;
  const tokenFile = join(etcd.dir, "sa-token");
  writeFileSync(tokenFile, `${token}\n`);
  const kube = await startFakeKubeApi({
    certFile: tls.serverCertFile,
    keyFile: tls.serverKeyFile,
    token,
    namespace: "apps",
  });
  await opts.beforeStart?.(kube);
  const httpPort = await freePort();
  const logFile = join(etcd.dir, "registrar.log");
  const env = {
    ...process.env,
    ...(opts.apps ? { [registrarEnvName("apps")]: opts.apps.join(",") } : {}),
    [registrarEnvName("namespace")]: "apps",
    ...(opts.platformNamespaces
      ? { [registrarEnvName("platform-namespaces")]: opts.platformNamespaces.join(",") }
      : {}),
    [registrarEnvName("kube-api")]: kube.url,
    [registrarEnvName("kube-token-file")]: tokenFile,
    [registrarEnvName("kube-ca-file")]: tls.caFile,
    [registrarEnvName("etcd-endpoints")]: etcd.endpoints.join(","),
    [registrarEnvName("etcd-ca")]: tls.caFile,
    [registrarEnvName("etcd-cert")]: tls.clientCertFile,
    [registrarEnvName("etcd-key")]: tls.clientKeyFile,
    [registrarEnvName("http-address")]: "127.0.0.1",
    [registrarEnvName("http-port")]: String(httpPort),
    [registrarEnvName("resync-seconds")]: String(opts.resyncSeconds),
  };
  const child = spawnLogged(
    process.execPath,
    [join(ROOT, "dist/registrar/switchyard-registrar.js")],
    logFile,
    {
      env,
    },
  );
  return {
    kube,
    httpPort,
    log: () => (existsSync(logFile) ? readFileSync(logFile, "utf8").slice(-3000) : ""),
    stop: async () => {
      if (child.pid !== undefined) await killPid(child.pid);
      await kube.close();
    },
  };
}
