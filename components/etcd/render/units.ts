/** systemd units of an etcd member: data volume, TLS fetch, etcd itself, and the backup timer. */
import { FETCH_SECRET_FILES_PATH } from "../../common/host/secretFiles";
import { hardening, type UnitFile } from "../../common/host/systemd";
import { ETCD_HOST } from "./layout";

export interface EtcdUnitsInput {
  volumeId: string;
  tlsSecretArn: string;
  /** systemd OnCalendar expression for `etcdctl snapshot save`. */
  backupSchedule: string;
}

const NETWORK: UnitFile["sections"][number][1] = [
  ["Wants", "network-online.target"],
  ["After", "network-online.target"],
];

export function etcdUnits(input: EtcdUnitsInput): UnitFile[] {
  const data: UnitFile = {
    name: "etcd-data.service",
    sections: [
      [
        "Unit",
        [
          ["Description", "Mount the etcd data volume"],
          ["DefaultDependencies", "no"],
          ["After", "local-fs.target"],
        ],
      ],
      [
        "Service",
        [
          ["Type", "oneshot"],
          ["RemainAfterExit", true],
          ["ExecStart", `${ETCD_HOST.prepareDataScript} ${input.volumeId}`],
          ["TimeoutStartSec", "15min"],
        ],
      ],
    ],
  };
  const tls: UnitFile = {
    name: "etcd-tls.service",
    sections: [
      [
        "Unit",
        [["Description", "Fetch the etcd member certificate and key from Secrets Manager"], ...NETWORK],
      ],
      [
        "Service",
        [
          ["Type", "oneshot"],
          ["RemainAfterExit", true],
          [
            "ExecStart",
            `${FETCH_SECRET_FILES_PATH} ${input.tlsSecretArn} ${ETCD_HOST.pkiDir} ${ETCD_HOST.user}`,
          ],
        ],
      ],
    ],
  };
  const etcd: UnitFile = {
    name: "etcd.service",
    sections: [
      [
        "Unit",
        [
          ["Description", "etcd member (switchyard routing store)"],
          ["Documentation", "https://etcd.io/docs/"],
          ["Requires", "etcd-data.service etcd-tls.service"],
          ["After", "etcd-data.service etcd-tls.service network-online.target"],
          ["Wants", "network-online.target"],
        ],
      ],
      [
        "Service",
        [
          ["Type", "notify"],
          ["User", ETCD_HOST.user],
          ["Group", ETCD_HOST.user],
          ["EnvironmentFile", ETCD_HOST.environmentFile],
          ["ExecStart", ETCD_HOST.etcd],
          ["Restart", "always"],
          ["RestartSec", "5s"],
          ["LimitNOFILE", 65536],
          ["TimeoutStartSec", "5min"],
          ...hardening([ETCD_HOST.mountPoint]),
        ],
      ],
      ["Install", [["WantedBy", "multi-user.target"]]],
    ],
  };
  const backup: UnitFile = {
    name: "etcd-backup.service",
    sections: [
      [
        "Unit",
        [
          ["Description", "Snapshot etcd to S3"],
          ["Requires", "etcd.service"],
          ["After", "etcd.service"],
        ],
      ],
      [
        "Service",
        [
          ["Type", "oneshot"],
          ["User", ETCD_HOST.user],
          ["Group", ETCD_HOST.user],
          ["ExecStart", ETCD_HOST.backupScript],
          ["TimeoutStartSec", "30min"],
          ...hardening([]),
        ],
      ],
    ],
  };
  const timer: UnitFile = {
    name: "etcd-backup.timer",
    sections: [
      ["Unit", [["Description", "Scheduled etcd snapshots to S3"]]],
      [
        "Timer",
        [
          ["OnCalendar", input.backupSchedule],
          // Members start their snapshots at different moments instead of all at once.
          ["RandomizedDelaySec", "5min"],
          ["Persistent", true],
          ["Unit", "etcd-backup.service"],
        ],
      ],
      ["Install", [["WantedBy", "timers.target"]]],
    ],
  };
  return [data, tls, etcd, backup, timer];
}
