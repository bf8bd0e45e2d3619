/**
 * systemd units of an HAProxy host. HAProxy runs in its own unit (master-worker, systemd restarts
 * it if it dies) so an agent restart or upgrade never touches traffic; the agent adopts the
 * running master and reloads it through the master socket.
 */
import { FETCH_SECRET_FILES_PATH } from "../../common/host/secretFiles";
import { hardening, type UnitFile } from "../../common/host/systemd";
import { agentIdPrefix } from "../../etcd/access";
import type { Colour } from "../../../model/validators";
import { AGENT_HOST } from "./layout";

const p = AGENT_HOST.haproxyPaths;

export function edgeUnits(input: { etcdClientSecretArn: string; fleet: Colour }): UnitFile[] {
  const tls: UnitFile = {
    name: "switchyard-agent-tls.service",
    sections: [
      [
        "Unit",
        [
          ["Description", "Fetch the etcd client certificate and key from Secrets Manager"],
          ["Wants", "network-online.target"],
          ["After", "network-online.target"],
        ],
      ],
      [
        "Service",
        [
          ["Type", "oneshot"],
          ["RemainAfterExit", true],
          [
            "ExecStart",
            `${FETCH_SECRET_FILES_PATH} ${input.etcdClientSecretArn} ${AGENT_HOST.etcdPkiDir} ${AGENT_HOST.user}`,
          ],
        ],
      ],
    ],
  };
  const seed: UnitFile = {
    name: "switchyard-haproxy-seed.service",
    sections: [
      [
        "Unit",
        [
          ["Description", "Install the bootstrap HAProxy configuration on first boot"],
          ["ConditionPathExists", `!${p.config}`],
        ],
      ],
      [
        "Service",
        [
          ["Type", "oneshot"],
          [
            "ExecStart",
            `/usr/bin/install -D -m 0644 -o ${AGENT_HOST.user} -g ${AGENT_HOST.user} ${AGENT_HOST.bootstrapConfig} ${p.config}`,
          ],
          [
            "ExecStart",
            `/usr/bin/install -m 0644 -o ${AGENT_HOST.user} -g ${AGENT_HOST.user} /dev/null ${p.map}`,
          ],
        ],
      ],
    ],
  };
  // Both long-running units run as the same unprivileged user: the agent writes the config and
  // talks to the sockets; only binding port 80 needs a capability.
  const identity = [
    ["User", AGENT_HOST.user],
    ["Group", AGENT_HOST.user],
    ["AmbientCapabilities", "CAP_NET_BIND_SERVICE"],
    ["CapabilityBoundingSet", "CAP_NET_BIND_SERVICE"],
  ] as const;
  const haproxy: UnitFile = {
    name: "switchyard-haproxy.service",
    sections: [
      [
        "Unit",
        [
          ["Description", "HAProxy (configuration managed by switchyard-agent)"],
          ["Requires", "switchyard-haproxy-seed.service"],
          ["After", "switchyard-haproxy-seed.service network-online.target"],
          ["Wants", "network-online.target"],
        ],
      ],
      [
        "Service",
        [
          ["Type", "forking"],
          ["PIDFile", p.pidFile],
          ...identity,
          ["ExecStartPre", `${AGENT_HOST.haproxyBin} -c -q -f ${p.config}`],
          [
            "ExecStart",
            `${AGENT_HOST.haproxyBin} -W -D -S ${p.masterSocket},mode,600 -f ${p.config} -p ${p.pidFile}`,
          ],
          ["Restart", "always"],
          ["RestartSec", "2s"],
          ["LimitNOFILE", 1048576],
          ...hardening([AGENT_HOST.stateDir]),
        ],
      ],
      ["Install", [["WantedBy", "multi-user.target"]]],
    ],
  };
  const agent: UnitFile = {
    name: "switchyard-agent.service",
    sections: [
      [
        "Unit",
        [
          ["Description", "switchyard-agent: routes from etcd into HAProxy"],
          ["Requires", "switchyard-agent-tls.service"],
          ["Wants", "switchyard-haproxy.service"],
          ["After", "switchyard-agent-tls.service switchyard-haproxy.service"],
        ],
      ],
      [
        "Service",
        [
          ["Type", "simple"],
          ...identity,
          // The agent id is <fleet>-<short host name> (%l): the fleet's etcd identity may write
          // status keys under that prefix only (components/etcd/access.ts).
          [
            "ExecStart",
            `${AGENT_HOST.node} ${AGENT_HOST.bundle} --config ${AGENT_HOST.configFile} --agent-id ${agentIdPrefix(input.fleet)}%l`,
          ],
          ["Restart", "always"],
          ["RestartSec", "2s"],
          ["LimitNOFILE", 65536],
          ...hardening([AGENT_HOST.stateDir]),
        ],
      ],
      ["Install", [["WantedBy", "multi-user.target"]]],
    ],
  };
  return [tls, seed, haproxy, agent];
}
