/**
 * Who may do what in etcd: one identity per role, each an etcd user named after the CN of its
 * client certificate (etcd's `--client-cert-auth` makes the CN the user when no token is sent),
 * holding one role with the narrowest key ranges its program uses. Pure data: the members' boot
 * script (render/authScript.ts) creates exactly this, and the real-cluster test
 * (test/routing-tier/etcd-auth.test.ts) proves each identity can do its job and nothing more.
 */
import { agentStatusPrefix, membersPrefix, routesPrefix } from "../../model/etcd/schema";
import { COLOURS, type Colour } from "../../model/validators";

export interface KeyRange {
  type: "read" | "readwrite";
  /** First key of the range. */
  key: string;
  /** First key after the range (etcd's range_end). */
  end: string;
  why: string;
}

export interface EtcdIdentity {
  /** Stable name of the identity in the stack (resource names, secret names). */
  id: string;
  /** etcd user, equal to the CN of its certificate. */
  user: string;
  /** The user's one role: its own (named like the user) or etcd's built-in `root`. */
  role: string;
  permissions: KeyRange[];
  /** Who holds the certificate. */
  holder: string;
}

/** etcd's range end of a prefix: the prefix with its last byte incremented (keys are ASCII here). */
export function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

const prefix = (type: KeyRange["type"], key: string, why: string): KeyRange => ({
  type,
  key,
  end: prefixEnd(key),
  why,
});

/** The agents of one HAProxy fleet write their status under `<agentStatusPrefix><fleet>-`. */
export function agentIdPrefix(fleet: Colour): string {
  return `${fleet}-`;
}

export const ROOT_USER = "root";

/** The agents of one fleet: read the routing records, write status keys of their own fleet. */
export function agentIdentity(fleet: Colour): EtcdIdentity {
  const user = `switchyard-agent-${fleet}`;
  return {
    id: `agent-${fleet}`,
    user,
    role: user,
    holder: `HAProxy hosts of the ${fleet} fleet (instance role)`,
    permissions: [
      // The agent lists and watches members and routes as ONE range (hosts/runtime/etcd.ts,
      // routingRange): etcd only admits a range request that one contiguous grant covers, and
      // two prefix grants leave a gap between members0 and routes/. Nothing else lives there.
      {
        type: "read",
        key: membersPrefix,
        end: prefixEnd(routesPrefix),
        why: "list and watch members and routes",
      },
      prefix(
        "readwrite",
        `${agentStatusPrefix}${agentIdPrefix(fleet)}`,
        "its fleet's status keys, under a lease",
      ),
    ],
  };
}

export const REGISTRAR: EtcdIdentity = {
  id: "registrar",
  user: "switchyard-registrar",
  role: "switchyard-registrar",
  holder: "switchyard-registrar pods (Kubernetes Secret)",
  // It discovers apps from Kubernetes and never reads routes, so it is not granted them.
  permissions: [prefix("readwrite", membersPrefix, "write and delete member records")],
};

export const DEPLOYER: EtcdIdentity = {
  id: "deployer",
  user: "switchyard-deployer",
  role: "switchyard-deployer",
  holder: "deploy runners (pulumi up with Route resources)",
  permissions: [
    prefix("readwrite", routesPrefix, "write routes with compare-and-swap"),
    prefix("read", agentStatusPrefix, "read every agent's status to gate and confirm flips"),
  ],
};

/**
 * `etcdctl snapshot save` (Maintenance.Snapshot) is admitted to the root role only (measured on
 * etcd 3.4: a user without it gets `auth: permission denied`; maintenance services have required
 * root since 2016, so 3.5 is the same). So the backup
 * identity has the root role; it exists only on the etcd members, which already hold the whole
 * database on disk and the peer certificate. It also lets the members' boot script keep the roles
 * below up to date once authentication is on (only root may manage users and roles).
 */
export const BACKUP: EtcdIdentity = {
  id: "backup",
  user: "switchyard-backup",
  role: "root",
  holder: "etcd members (snapshot timer, role bootstrap)",
  permissions: [],
};

/** Every identity the stack issues a certificate for. `root` itself gets none (break-glass). */
export function etcdIdentities(): EtcdIdentity[] {
  return [...COLOURS.map(agentIdentity), REGISTRAR, DEPLOYER, BACKUP];
}
