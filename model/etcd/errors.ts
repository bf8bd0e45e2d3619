/**
 * etcd's refusals, said in words an operator can act on. With authentication on, the client's
 * etcd user is the CN of its certificate (docs/etcd.md, "Identities"): a refusal means that CN
 * has no user, or its role lacks the permission the operation needs. Shared by the agent, the
 * registrar and the Route so all three name the permission the same way.
 */
import { EtcdPermissionDeniedError, EtcdUserNotFoundError } from "etcd3";

export interface EtcdAccess {
  /** The permission the operation needs. */
  permission: "read" | "readwrite";
  /** The key, or the first key of the range. */
  key: string;
  /** For a range: its end (exclusive) or `prefix`. */
  range?: "prefix" | string;
}

function describeAccess(a: EtcdAccess): string {
  if (a.range === undefined) return `${a.permission} on ${a.key}`;
  return a.range === "prefix"
    ? `${a.permission} on the prefix ${a.key}`
    : `${a.permission} on [${a.key}, ${a.range})`;
}

/** True when etcd refused the request for lack of a user or a permission. */
export function isAccessDenied(e: unknown): boolean {
  return e instanceof EtcdPermissionDeniedError || e instanceof EtcdUserNotFoundError;
}

/**
 * An Error naming the permission when etcd refused `what` for lack of it; any other error is
 * returned unchanged (connection errors keep their own, retryable, meaning).
 */
export function explainEtcdError(e: unknown, what: string, access: EtcdAccess): unknown {
  if (e instanceof EtcdPermissionDeniedError) {
    return new Error(
      `etcd refused to ${what}: permission denied; the etcd user of this client's certificate (its CN) needs ${describeAccess(access)}`,
      { cause: e },
    );
  }
  if (e instanceof EtcdUserNotFoundError) {
    return new Error(
      `etcd refused to ${what}: authentication is on and no etcd user matches the CN of this client's certificate; it needs a user with ${describeAccess(access)} (use the certificate issued for this role)`,
      { cause: e },
    );
  }
  return e;
}
