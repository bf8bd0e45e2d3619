/** Entry point of switchyard-registrar (bundled to dist/registrar/switchyard-registrar.js). */
import { connectEtcd } from "../etcd";
import { createLogger } from "../log";
import { loadConfig, usage } from "./config";
import { Registrar } from "./registrar";

async function main(): Promise<void> {
  const result = loadConfig(process.argv.slice(2), process.env);
  if (result.kind === "help") {
    console.log(usage());
    return;
  }
  if (result.kind === "error") {
    console.error(`switchyard-registrar: ${result.message}\n\n${usage()}`);
    process.exit(2);
  }
  const { config } = result;
  const log = createLogger(config.logLevel, { component: "switchyard-registrar" });
  const etcd = connectEtcd({
    endpoints: config.etcdEndpoints,
    caFile: config.etcdCaFile,
    certFile: config.etcdCertFile,
    keyFile: config.etcdKeyFile,
  });
  const registrar = new Registrar(
    {
      apps: config.apps,
      namespace: config.namespace,
      portName: config.portName,
      kube: { apiUrl: config.kubeApiUrl, tokenFile: config.kubeTokenFile, caFile: config.kubeCaFile },
      httpAddress: config.httpAddress,
      httpPort: config.httpPort,
      resyncMs: config.resyncSeconds * 1000,
    },
    etcd,
    log,
  );
  let stopping = false;
  // Members are left in etcd on purpose: the next registrar (or the other replica) owns them.
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("stopping", { signal });
    const force = setTimeout(() => process.exit(0), 5000);
    force.unref();
    registrar
      .stop()
      .then(() => etcd.close())
      .finally(() => process.exit(0));
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  await registrar.start();
  log.info("started", {
    apps: config.apps,
    namespace: config.namespace,
    httpPort: registrar.httpPort(),
    etcd: config.etcdEndpoints,
  });
}

main().catch((e) => {
  console.error(
    JSON.stringify({ ts: new Date().toISOString(), level: "error", msg: "fatal", error: String(e) }),
  );
  process.exit(1);
});
