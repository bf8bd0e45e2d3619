/**
 * systemd units of a MongoDB member: data volume, TLS, key file and credentials from Secrets
 * Manager, the transparent-huge-pages setting of the version, mongod (our unit: our config file,
 * never the root disk) and the bootstrap.
 */
import { FETCH_SECRET_FILES_PATH } from "../../../common/host/secretFiles";
import { hardening, type UnitFile } from "../../../common/host/systemd";
import { hugePagesFor } from "./config";
import { MONGO_HOST } from "./layout";

export interface MongoUnitsInput {
  version: string;
  volumeId: string;
  tlsSecretArn: string;
  keySecretArn: string;
  credentialsSecretArn: string;
}

export const MONGOD_SERVICE = "switchyard-mongod.service";
export const MONGO_BOOTSTRAP_SERVICE = "mongodb-bootstrap.service";
export const THP_SERVICE = "switchyard-thp.service";

const NETWORK = [
  ["Wants", "network-online.target"],
  ["After", "network-online.target"],
] as const;

function fetch(name: string, what: string, arn: string, dir: string, owner: string): UnitFile {
  return {
    name,
    sections: [
      ["Unit", [["Description", `Fetch the MongoDB ${what} from Secrets Manager`], ...NETWORK]],
      [
        "Service",
        [
          ["Type", "oneshot"],
          ["RemainAfterExit", true],
          ["ExecStart", `${FETCH_SECRET_FILES_PATH} ${arn} ${dir} ${owner}`],
        ],
      ],
    ],
  };
}

/** The THP commands for a version, each one write to a sysfs file. */
export function hugePageCommands(version: string): string[] {
  const t = hugePagesFor(version);
  const base = "/sys/kernel/mm/transparent_hugepage";
  return [
    `echo ${t.enabled} > ${base}/enabled`,
    `echo ${t.defrag} > ${base}/defrag`,
    ...(t.maxPtesNone === undefined ? [] : [`echo ${t.maxPtesNone} > ${base}/khugepaged/max_ptes_none`]),
  ];
}

export function mongoUnits(input: MongoUnitsInput): UnitFile[] {
  const thp = hugePagesFor(input.version);
  const data: UnitFile = {
    name: "mongodb-data.service",
    sections: [
      [
        "Unit",
        [
          ["Description", "Mount the MongoDB data volume"],
          ["DefaultDependencies", "no"],
          ["After", "local-fs.target"],
        ],
      ],
      [
        "Service",
        [
          ["Type", "oneshot"],
          ["RemainAfterExit", true],
          ["ExecStart", `${MONGO_HOST.prepareDataScript} ${input.volumeId}`],
          ["TimeoutStartSec", "15min"],
        ],
      ],
    ],
  };
  const hugePages: UnitFile = {
    name: THP_SERVICE,
    sections: [
      [
        "Unit",
        [
          [
            "Description",
            `Transparent huge pages ${thp.enabled === "always" ? "enabled" : "disabled"} for MongoDB ${input.version}`,
          ],
          ["DefaultDependencies", "no"],
          ["After", "sysinit.target local-fs.target"],
          ["Before", MONGOD_SERVICE],
        ],
      ],
      [
        "Service",
        [
          ["Type", "oneshot"],
          ["RemainAfterExit", true],
          ["ExecStart", `/bin/sh -c '${hugePageCommands(input.version).join(" && ")}'`],
        ],
      ],
      ["Install", [["WantedBy", "basic.target"]]],
    ],
  };
  const mongod: UnitFile = {
    name: MONGOD_SERVICE,
    sections: [
      [
        "Unit",
        [
          ["Description", "mongod (switchyard replica-set member)"],
          ["Requires", `mongodb-data.service mongodb-tls.service mongodb-key.service ${THP_SERVICE}`],
          [
            "After",
            `mongodb-data.service mongodb-tls.service mongodb-key.service ${THP_SERVICE} network-online.target`,
          ],
          ["Wants", "network-online.target"],
        ],
      ],
      [
        "Service",
        [
          ["Type", "simple"],
          ["User", MONGO_HOST.user],
          ["Group", MONGO_HOST.user],
          // 8.0's TCMalloc needs restartable sequences for its per-CPU caches (glibc otherwise takes them).
          ...(thp.enabled === "always"
            ? ([["Environment", "GLIBC_TUNABLES=glibc.pthread.rseq=0"]] as const)
            : []),
          ["ExecStart", `/usr/bin/mongod --config ${MONGO_HOST.configFile}`],
          ["Restart", "on-failure"],
          ["RestartSec", "5s"],
          ["LimitNOFILE", 64000],
          ["LimitNPROC", 64000],
          ["LimitMEMLOCK", "infinity"],
          ["TimeoutStartSec", "30min"],
          ["TimeoutStopSec", "30min"],
          ...hardening([MONGO_HOST.mountPoint]),
        ],
      ],
      ["Install", [["WantedBy", "multi-user.target"]]],
    ],
  };
  const bootstrap: UnitFile = {
    name: MONGO_BOOTSTRAP_SERVICE,
    sections: [
      [
        "Unit",
        [
          ["Description", "Bring the replica-set member to its wanted state (check, then act)"],
          ["Requires", `${MONGOD_SERVICE} mongodb-credentials.service`],
          ["After", `${MONGOD_SERVICE} mongodb-credentials.service`],
        ],
      ],
      [
        "Service",
        [
          ["Type", "oneshot"],
          ["EnvironmentFile", MONGO_HOST.bootstrapEnv],
          ["ExecStart", `/usr/bin/mongosh --nodb --quiet --file ${MONGO_HOST.bootstrapScript}`],
          ["TimeoutStartSec", "45min"],
          ["Restart", "on-failure"],
          ["RestartSec", "30s"],
        ],
      ],
      ["Install", [["WantedBy", "multi-user.target"]]],
    ],
  };
  return [
    data,
    fetch(
      "mongodb-tls.service",
      "member certificate and key",
      input.tlsSecretArn,
      MONGO_HOST.pkiDir,
      MONGO_HOST.user,
    ),
    fetch(
      "mongodb-key.service",
      "replica-set key file",
      input.keySecretArn,
      MONGO_HOST.keyDir,
      MONGO_HOST.user,
    ),
    fetch(
      "mongodb-credentials.service",
      "user credentials (admin, app, platform services)",
      input.credentialsSecretArn,
      MONGO_HOST.credentialsDir,
      "root",
    ),
    hugePages,
    mongod,
    bootstrap,
  ];
}
