/** systemd units of an etcd member: data volume, TLS fetch, etcd itself, and the backup timer. */
import { FETCH_SECRET_FILES_PATH } from "../../common/host/secretFiles";
import { hardening, type UnitFile } from "../../common/host/systemd";
import { ETCD_HOST } from "./layout";

export interface EtcdUnitsInput {
  volumeId: string;
  tlsSecretArn: string;
  /** Secret of the backup identity (root role), shared by the members. */
  backupSecretArn: string;
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
        [
          ["Description", "Fetch the member's and the backup identity's certificates from Secrets Manager"],
          ...NETWORK,
        ],
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
          [
            "ExecStart",
            `${FETCH_SECRET_FILES_PATH} ${input.backupSecretArn} ${ETCD_HOST.backupPkiDir} ${ETCD_HOST.user}`,
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
  // Users and roles, then authentication on; idempotent, so every member runs it at every boot.
  const auth: UnitFile = {
    name: "etcd-auth.service",
    sections: [
      [
        "Unit",
        [
          ["Description", "Create etcd's users and roles and enable authentication"],
          ["Requires", "etcd.service"],
          ["After", "etcd.service"],
        ],
      ],
      [
        "Service",
        [
          ["Type", "oneshot"],
          ["RemainAfterExit", true],
          ["User", ETCD_HOST.user],
          ["Group", ETCD_HOST.user],
          ["ExecStart", ETCD_HOST.authBootstrapScript],
          // A new cluster waits for its quorum before the first step can succeed.
          ["TimeoutStartSec", "10min"],
          ...hardening([]),
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
  return [data, tls, etcd, auth, backup, timer];
}
