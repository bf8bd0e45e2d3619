/**
 * The cloud-init document of an HAProxy host: packages, the agent bundle (by S3 location and
 * sha256), configuration and units. Key material arrives at boot from Secrets Manager.
 */
import {
  renderCloudConfig,
  unitFile,
  withHostAgents,
  withParts,
  type CloudConfig,
} from "../../common/host/cloudInit";
import { hostFluentBit, type ResolvedLogsTarget } from "../../common/host/fluentBit";
import { hostTelegraf, type HostTelegrafInput, type ResolvedMetricsTarget } from "../../common/host/telegraf";
import type { Colour } from "../../../model/validators";
import { FETCH_SECRET_FILES_PATH, FETCH_SECRET_FILES_SCRIPT } from "../../common/host/secretFiles";
import { renderAgentConfig } from "./agentConfig";
import { renderConfig } from "../../../model/haproxyConfig";
import { HEALTHZ_PATH } from "../../../model/http";
import { EDGE_REDIRECT_PORT, EDGE_TRAFFIC_PORT } from "../../../model/ports";
import { AGENT_HOST } from "./layout";
import { renderInstallAgentScript, type BundleLocation } from "./scripts";
import { edgeUnits } from "./units";

export interface EdgeUserDataInput {
  bundle: BundleLocation;
  /** The fleet this host belongs to: its etcd identity and the prefix of its agent id. */
  fleet: Colour;
  etcdEndpoints: string[];
  /** Secret of the fleet's agent identity (components/etcd/access.ts). */
  etcdClientSecretArn: string;
  maxconn: number;
  /** Where this host's Telegraf writes; none: no Telegraf. */
  metrics?: ResolvedMetricsTarget;
  /** Where this host's Fluent Bit ships its journal; none: no shipping. */
  logs?: ResolvedLogsTarget;
}

/** The units whose journal an HAProxy host ships (cloud-final: the boot itself). */
export const EDGE_LOG_UNITS = [
  "switchyard-haproxy.service",
  "switchyard-agent.service",
  "switchyard-agent-tls.service",
  "cloud-final.service",
];

/**
 * HAProxy's stats from its socket and the agent's /metrics. The socket is the agent's (mode 600,
 * owned by the agent's user), so Telegraf runs as that user here (docs/monitoring.md).
 */
export function edgeTelegrafInputs(): HostTelegrafInput["inputs"] {
  return [
    { plugin: "haproxy", options: { servers: [AGENT_HOST.haproxyPaths.adminSocket] } },
    {
      plugin: "prometheus",
      options: {
        urls: [`http://${AGENT_HOST.statusAddress}:${AGENT_HOST.statusPort}/metrics`],
        metric_version: 2,
        name_override: "switchyard_agent",
      },
    },
  ];
}

export function renderEdgeUserData(e: EdgeUserDataInput): string {
  const file = (path: string, content: string, permissions = "0644") => ({
    path,
    content,
    permissions,
    owner: "root:root",
  });
  const doc: CloudConfig = {
    packages: ["haproxy", "nodejs20"],
    users: [
      {
        name: AGENT_HOST.user,
        system: true,
        shell: "/sbin/nologin",
        homedir: AGENT_HOST.stateDir,
        noCreateHome: true,
      },
    ],
    writeFiles: [
      file(FETCH_SECRET_FILES_PATH, FETCH_SECRET_FILES_SCRIPT, "0755"),
      file(AGENT_HOST.installScript, renderInstallAgentScript(e.bundle), "0755"),
      file(AGENT_HOST.configFile, renderAgentConfig({ etcdEndpoints: e.etcdEndpoints, maxconn: e.maxconn })),
      file(
        AGENT_HOST.bootstrapConfig,
        renderConfig(
          { mode: "bootstrap" },
          {
            paths: AGENT_HOST.haproxyPaths,
            bindAddress: AGENT_HOST.bindAddress,
            bindPort: EDGE_TRAFFIC_PORT,
            // Bound from the start so the agent's reload inherits it.
            redirectPort: EDGE_REDIRECT_PORT,
            maxconn: e.maxconn,
            healthzPath: HEALTHZ_PATH,
          },
        ),
      ),
      ...edgeUnits({ etcdClientSecretArn: e.etcdClientSecretArn, fleet: e.fleet }).map(unitFile),
    ],
    runcmd: [
      [AGENT_HOST.installScript],
      ["install", "-d", "-m", "0750", "-o", AGENT_HOST.user, "-g", AGENT_HOST.user, AGENT_HOST.stateDir],
      ["systemctl", "daemon-reload"],
      ["systemctl", "enable", "--now", "switchyard-haproxy.service", "switchyard-agent.service"],
    ],
  };
  const parts = e.metrics
    ? [
        hostTelegraf({
          role: "edge",
          inputs: edgeTelegrafInputs(),
          influx: e.metrics,
          credentialsSecretArn: e.metrics.credentialsSecretArn,
          runAs: AGENT_HOST.user,
        }),
      ]
    : [];
  const agents = e.logs ? [hostFluentBit({ role: "edge", units: EDGE_LOG_UNITS, target: e.logs })] : [];
  return renderCloudConfig(withHostAgents(withParts(doc, ...parts), agents));
}
