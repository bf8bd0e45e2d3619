/** Entry point of switchyard-registrar (bundled to dist/registrar/switchyard-registrar.js). */
import { connectEtcd } from "../../model/etcd/connection";
import { runMain, stopOnSignals } from "../runtime/lifecycle";
import { createLogger } from "../runtime/log";
import { loadConfig, usage } from "./config";
import { configOrExit, etcdConnectionOf } from "../runtime/flags";
import { labelSelector } from "./members";
import { Registrar } from "./registrar";

async function main(): Promise<void> {
  const config = configOrExit("switchyard-registrar", loadConfig(process.argv.slice(2), process.env), usage);
  if (!config) return;
  const log = createLogger(config.logLevel, { component: "switchyard-registrar" });
  const etcd = connectEtcd(etcdConnectionOf(config));
  const registrar = new Registrar(
    {
      apps: config.apps,
      namespace: config.namespace,
      platformNamespaces: config.platformNamespaces,
      portName: config.portName,
      kube: { apiUrl: config.kubeApiUrl, tokenFile: config.kubeTokenFile, caFile: config.kubeCaFile },
      httpAddress: config.httpAddress,
      httpPort: config.httpPort,
      resyncMs: config.resyncSeconds * 1000,
    },
    etcd,
    log,
  );
  // Members are left in etcd on purpose: the next registrar (or the other replica) owns them.
  stopOnSignals(log, () => registrar.stop().then(() => etcd.close()));
  await registrar.start();
  log.info("started", {
    pinnedApps: config.apps,
    selector: labelSelector(),
    namespace: config.namespace,
    platformNamespaces: config.platformNamespaces,
    httpPort: registrar.httpPort(),
    etcd: config.etcdEndpoints,
  });
}

runMain(main);
