/**
 * The one way to open an etcd client, for every program that talks to the routing key space: the
 * agent, the registrar, the Route (during `pulumi up`) and the check scripts. etcd here is a
 * control plane: a call fails fast and is retried on another member within a bound, a failing
 * member is skipped for a second rather than the client library's 5 s, and a channel reconnects
 * within a second rather than the gRPC default of up to 120 s (docs/agent.md, "etcd failures").
 * Authentication is by client certificate: etcd takes the certificate's CN as the user
 * (docs/etcd.md, "Identities"), so TLS material is the whole of a client's credentials.
 */
import { readFileSync } from "node:fs";
import { ConsecutiveBreaker, ExponentialBackoff, circuitBreaker, handleWhen, noop, retry } from "cockatiel";
import { Etcd3, isRecoverableError } from "etcd3";
import type { IOptions } from "etcd3";

/**
 * Where to reach etcd and with which identity. Each piece of TLS material is given either as a file
 * (host programs: files their unit or Pod mounts) or as PEM text (the Route: values from the stack,
 * kept as Pulumi secrets), never both.
 */
export interface EtcdConnection {
  endpoints: string[];
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  /** PEM text. */
  ca?: string;
  cert?: string;
  key?: string;
}

/** Bounds of the connection and of the agent's supervised watch, in one place. */
export const ETCD_TIMING = {
  /** Deadline of every unary call: a hung member is given up on after this and the call retried elsewhere. */
  callDeadlineMs: 2000,
  /** A member that failed this many calls in a row is skipped for `breakerHoldMs`. */
  breakerFailures: 3,
  breakerHoldMs: 1000,
  /** Pause before a failed call is tried on the next member, doubling up to the cap. */
  callRetryBackoffMs: { initial: 20, max: 200 },
  /** gRPC reconnect back-off of a channel (its default grows to 120 s). */
  reconnectBackoffMs: { initial: 100, max: 1000 },
  /** The agent's watch asks its member for a progress notification this often... */
  progressIntervalMs: 500,
  /** ...and moves to another member when nothing (event or progress) arrived for this long. */
  watchSilenceMs: 1500,
  /** Pause of the watch after every member failed once, doubling up to the cap. */
  retryBackoffMs: { initial: 100, max: 500 },
};

function material(what: string, file: string | undefined, pem: string | undefined): Buffer | undefined {
  if (file !== undefined && pem !== undefined)
    throw new Error(`etcd connection: give the ${what} as a file or as PEM text, not both`);
  if (pem !== undefined) return Buffer.from(pem);
  if (file === undefined) return undefined;
  try {
    return readFileSync(file);
  } catch (e) {
    throw new Error(`etcd connection: cannot read the ${what} file ${file}: ${(e as Error).message}`);
  }
}

/** Client options without fault handling: endpoints, TLS, call deadlines and reconnect back-off. */
function baseOptions(c: EtcdConnection, hosts: string[]): IOptions {
  const options: IOptions = {
    hosts,
    // Unary calls get a deadline so a dead or hung member is noticed; a stream must not have one.
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + ETCD_TIMING.callDeadlineMs }),
    grpcOptions: {
      "grpc.initial_reconnect_backoff_ms": ETCD_TIMING.reconnectBackoffMs.initial,
      "grpc.max_reconnect_backoff_ms": ETCD_TIMING.reconnectBackoffMs.max,
    },
  };
  const ca = material("CA bundle", c.caFile, c.ca);
  const cert = material("client certificate", c.certFile, c.cert);
  const key = material("client key", c.keyFile, c.key);
  if ((cert === undefined) !== (key === undefined))
    throw new Error("etcd connection: a client certificate needs its key, and a key its certificate");
  if (cert && !ca) throw new Error("etcd connection: a client certificate needs the CA bundle (TLS)");
  if (ca)
    options.credentials = {
      rootCertificate: ca,
      ...(cert && key ? { certChain: cert, privateKey: key } : {}),
    };
  return options;
}

/**
 * The client every program uses: a call that fails on one member is retried at once on another,
 * and a failing member is skipped for one second only, so after an outage calls go through again
 * within a second of etcd answering.
 */
export function connectEtcd(c: EtcdConnection): Etcd3 {
  return new Etcd3({
    ...baseOptions(c, c.endpoints),
    faultHandling: {
      host: () =>
        circuitBreaker(handleWhen(isRecoverableError), {
          halfOpenAfter: ETCD_TIMING.breakerHoldMs,
          breaker: new ConsecutiveBreaker(ETCD_TIMING.breakerFailures),
        }),
      global: retry(handleWhen(isRecoverableError), {
        maxAttempts: c.endpoints.length,
        backoff: new ExponentialBackoff({
          initialDelay: ETCD_TIMING.callRetryBackoffMs.initial,
          maxDelay: ETCD_TIMING.callRetryBackoffMs.max,
        }),
      }),
    },
  });
}

/**
 * A client bound to one member, with no fault handling of its own: for a caller that decides
 * itself when to give up on a member (the agent's supervised watch).
 */
export function connectMember(c: EtcdConnection, endpoint: string): Etcd3 {
  return new Etcd3({ ...baseOptions(c, [endpoint]), faultHandling: { host: () => noop, global: noop } });
}
