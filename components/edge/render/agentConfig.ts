/**
 * The agent's JSON configuration file (read with `switchyard-agent --config`). The keys are the
 * agent's own (hosts/agent/config.ts), and the tests run this file through the agent's parser.
 */
import { TLS_FILES } from "../../etcd/render/layout";
import { EDGE_REDIRECT_PORT, EDGE_TRAFFIC_PORT } from "../../../model/ports";
import { AGENT_HOST } from "./layout";

export interface AgentConfigInput {
  etcdEndpoints: string[];
  maxconn: number;
}

export function renderAgentConfig(c: AgentConfigInput): string {
  const pki = AGENT_HOST.etcdPkiDir;
  const config = {
    etcdEndpoints: c.etcdEndpoints,
    etcdCaFile: `${pki}/${TLS_FILES.ca}`,
    etcdCertFile: `${pki}/${TLS_FILES.cert}`,
    etcdKeyFile: `${pki}/${TLS_FILES.key}`,
    stateDir: AGENT_HOST.stateDir,
    haproxyBin: AGENT_HOST.haproxyBin,
    bindAddress: AGENT_HOST.bindAddress,
    bindPort: EDGE_TRAFFIC_PORT,
    // Always served: whether port 80 of the NLB forwards here is the load balancer's choice.
    redirectPort: EDGE_REDIRECT_PORT,
    httpAddress: AGENT_HOST.statusAddress,
    httpPort: AGENT_HOST.statusPort,
    maxconn: c.maxconn,
    // switchyard-haproxy.service runs HAProxy; the agent adopts it and never starts its own.
    haproxySupervisor: "systemd",
  };
  return JSON.stringify(config, null, 2) + "\n";
}
