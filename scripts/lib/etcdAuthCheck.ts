/**
 * etcd authentication, proven on real clusters started from the project's rendered settings and
 * bootstrap (scripts/lib/renderedEtcd.ts):
 *
 * 1. a NEW cluster: the members' rendered role bootstrap runs on all three at once and leaves
 *    authentication on with exactly the identities of components/etcd/access.ts; then every
 *    identity's certificate performs each operation its program needs, and is refused each write
 *    it must not make (refused means etcd said "permission denied" or "no such user", never a
 *    timeout);
 * 2. an EXISTING auth-off cluster, migrated in the documented order: clients already on their own
 *    certificates serve traffic (a real agent with its HAProxy under load, the Route, the
 *    registrar's identity writing members), the bootstrap turns authentication on underneath,
 *    and the Route then flips the app, confirmed by the agent: no request fails.
 *
 * Shared by `npm run check:etcd-auth` and test/routing-tier/etcd-auth.test.ts.
 */
import { readFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import type { Etcd3 } from "etcd3";
import { agentIdentity, BACKUP, DEPLOYER, etcdIdentities, REGISTRAR } from "../../components/etcd/access";
import { create, update, type RouteInputs, type RouteOutputs } from "../../components/apps/route/operations";
import { connectEtcd } from "../../hosts/runtime/etcd";
import { explainEtcdError, isAccessDenied, type EtcdAccess } from "../../model/etcd/errors";
import {
  agentStatusKey,
  memberKey,
  routeKey,
  serializeMember,
  serializeRoute,
} from "../../model/etcd/schema";
import {
  AgentHandle,
  get,
  startBackend,
  startLoad,
  type Backend,
  type LoadResult,
} from "../../hosts/testbed";
import { waitUntil } from "../../hosts/testbed/procs";
import type { CertFiles } from "./pki";
import { startRenderedEtcd, type RenderedEtcd } from "./renderedEtcd";

export interface OpOutcome {
  identity: string;
  op: string;
  /** What the design says: the identity needs it (allowed) or must never do it (forbidden). */
  expect: "allowed" | "forbidden";
  ok: boolean;
  /** Refused by etcd for lack of a user or permission (not a timeout or a crash). */
  refused: boolean;
  /** For refusals: the error as the agent, registrar and Route report it. */
  error?: string;
}

export interface EtcdAuthReport {
  roles: number;
  fresh: {
    bootstrap: { status: number; output: string }[];
    rerun: { status: number; output: string }[];
    users: string[];
    roles: string[];
    /** A certificate whose CN is no etcd user (a member's) is refused once auth is on. */
    memberCertRefused: boolean;
    ops: OpOutcome[];
  };
  migration: {
    bootstrap: { status: number; output: string }[];
    /** A certificate of the old shared kind (CN switchyard-client) is refused after the switch. */
    oldSharedCertRefused: boolean;
    flipConfirmed: boolean;
    servedAfter: string | undefined;
    load: LoadResult;
    agentLog: string;
  };
}

const ROUTE_HOST = "shop.auth.example.test";
const APP = "shop";

function client(etcd: RenderedEtcd, cert: CertFiles): Etcd3 {
  return connectEtcd({
    endpoints: etcd.endpoints,
    caFile: etcd.ca.cert,
    certFile: cert.cert,
    keyFile: cert.key,
  });
}

const sampleRoute = (host: string) =>
  serializeRoute({
    host,
    app: "intruder",
    liveColour: "blue",
    backends: {
      blue: { port: 8080, healthCheck: { path: "/" } },
      green: { port: 8080, healthCheck: { path: "/" } },
    },
  });
const sampleMember = serializeMember({ address: "10.0.0.9", port: 8080 });

interface Op {
  op: string;
  expect: OpOutcome["expect"];
  access: EtcdAccess;
  run: (c: Etcd3) => Promise<unknown>;
  /** How etcd says no where it is not a gRPC permission error (default: "permission denied"). */
  refusal?: RegExp;
}

async function attempt(identity: string, c: Etcd3, o: Op): Promise<OpOutcome> {
  try {
    await o.run(c);
    return { identity, op: o.op, expect: o.expect, ok: true, refused: false };
  } catch (e) {
    const explained = explainEtcdError(e, o.op, o.access);
    return {
      identity,
      op: o.op,
      expect: o.expect,
      ok: false,
      refused: isAccessDenied(e) || (o.refusal ?? /permission denied/).test(String(e)),
      error: String(explained),
    };
  }
}

/** Resolves once a watch is established; rejects when etcd cancels it (a refused watch). */
function watchOnce(c: Etcd3, start: string, end: string): Promise<void> {
  return new Promise((resolve, reject) => {
    void c
      .watch()
      .inRange({ start, end })
      .create()
      .then((w) => {
        const timer = setTimeout(() => reject(new Error("watch neither connected nor refused in 5 s")), 5000);
        w.on("error", (e) => {
          clearTimeout(timer);
          reject(e);
        });
        // A refused watch is created and cancelled at once: give the cancel a moment to arrive.
        setTimeout(() => {
          clearTimeout(timer);
          void w.cancel().then(() => resolve());
        }, 300);
      }, reject);
  });
}

/** etcdctl snapshot save as `cert` against one member, the backup timer's exact operation. */
function snapshotWith(etcd: RenderedEtcd, cert: CertFiles): Promise<void> {
  const file = `${etcd.dir}/snapshot-${Date.now()}.db`;
  const r = etcd.etcdctl(["snapshot", "save", file], cert, [etcd.endpoints[0]]);
  return r.status === 0 ? Promise.resolve() : Promise.reject(new Error(r.stderr.trim().split("\n").pop()));
}

/** A request through etcd's HTTP gateway, which ignores the client certificate's CN. */
function gatewayPut(etcd: RenderedEtcd, cert: CertFiles, key: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${etcd.endpoints[0]}/v3/kv/put`);
    const req = httpsRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        // The certificate's SAN is 127.0.0.1; an IP is no TLS server name (RFC 6066).
        servername: "",
        ca: readFileSync(etcd.ca.cert),
        cert: readFileSync(cert.cert),
        key: readFileSync(cert.key),
      },
      (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () =>
          res.statusCode === 200 && /"header"/.test(body)
            ? resolve()
            : reject(new Error(`gateway answered ${res.statusCode}: ${body.trim()}`)),
        );
      },
    );
    req.on("error", reject);
    req.end(
      JSON.stringify({
        key: Buffer.from(key).toString("base64"),
        value: Buffer.from("x").toString("base64"),
      }),
    );
  });
}

const read = (key: string, range?: EtcdAccess["range"]): EtcdAccess => ({ permission: "read", key, range });
const write = (key: string, range?: EtcdAccess["range"]): EtcdAccess => ({
  permission: "readwrite",
  key,
  range,
});
const leasedPut = (key: string) => async (c: Etcd3) => {
  const lease = c.lease(10, { autoKeepAlive: false });
  try {
    await lease.put(key).value("{}").exec();
    await lease.revoke();
  } finally {
    if (!lease.revoked()) await lease.revoke().catch(() => undefined);
  }
};
const ROUTING = { start: "/switchyard/v1/members/", end: "/switchyard/v1/routes0" };
const DELETE_ALL: Op = {
  op: "delete the whole key space",
  expect: "forbidden",
  access: write("", "prefix"),
  run: (c) => c.delete().all().exec(),
};

/** The operation matrix: every identity's needs (allowed) and a set of writes it must not make. */
function matrix(etcd: RenderedEtcd): { identity: string; cert: CertFiles; ops: Op[] }[] {
  const blue = agentIdentity("blue");
  const green = agentIdentity("green");
  const blueStatus = agentStatusKey("blue-lb9");
  const route = routeKey("matrix.example.test");
  const member = memberKey("matrix", "blue", "m1");
  return [
    {
      identity: blue.user,
      cert: etcd.certs[blue.id],
      ops: [
        {
          op: "list members and routes as one range",
          expect: "allowed",
          access: read(ROUTING.start, ROUTING.end),
          run: (c) => c.getAll().inRange(ROUTING).exec(),
        },
        {
          op: "watch members and routes",
          expect: "allowed",
          access: read(ROUTING.start, ROUTING.end),
          run: (c) => watchOnce(c, ROUTING.start, ROUTING.end),
        },
        { op: "read a route", expect: "allowed", access: read(route), run: (c) => c.get(route).exec() },
        {
          op: "write its own status under a lease",
          expect: "allowed",
          access: write(blueStatus),
          run: leasedPut(blueStatus),
        },
        {
          op: "write a route",
          expect: "forbidden",
          access: write(route),
          run: (c) => c.put(route).value(sampleRoute("matrix.example.test")).exec(),
        },
        {
          op: "write a member",
          expect: "forbidden",
          access: write(member),
          run: (c) => c.put(member).value(sampleMember).exec(),
        },
        {
          op: "write another fleet's agent status",
          expect: "forbidden",
          access: write(agentStatusKey("green-lb1")),
          run: leasedPut(agentStatusKey("green-lb1")),
        },
        {
          op: "write a status outside its fleet's prefix",
          expect: "forbidden",
          access: write(agentStatusKey("lb-1")),
          run: (c) => c.put(agentStatusKey("lb-1")).value("{}").exec(),
        },
        {
          op: "write through the HTTP gateway",
          expect: "forbidden",
          access: write(route),
          run: () => gatewayPut(etcd, etcd.certs[blue.id], route),
          // etcd's gateway refuses any client certificate with a CN rather than act as someone.
          refusal: /CommonName of client sending a request against gateway will be ignored/,
        },
        {
          op: "take a snapshot",
          expect: "forbidden",
          access: read(""),
          run: () => snapshotWith(etcd, etcd.certs[blue.id]),
        },
        DELETE_ALL,
      ],
    },
    {
      identity: green.user,
      cert: etcd.certs[green.id],
      ops: [
        {
          op: "list members and routes as one range",
          expect: "allowed",
          access: read(ROUTING.start, ROUTING.end),
          run: (c) => c.getAll().inRange(ROUTING).exec(),
        },
        {
          op: "write its own status under a lease",
          expect: "allowed",
          access: write(agentStatusKey("green-lb1")),
          run: leasedPut(agentStatusKey("green-lb1")),
        },
        {
          op: "write another fleet's agent status",
          expect: "forbidden",
          access: write(blueStatus),
          run: leasedPut(blueStatus),
        },
        DELETE_ALL,
      ],
    },
    {
      identity: REGISTRAR.user,
      cert: etcd.certs[REGISTRAR.id],
      ops: [
        {
          op: "write a member",
          expect: "allowed",
          access: write(member),
          run: (c) => c.put(member).value(sampleMember).exec(),
        },
        {
          op: "list an app's members",
          expect: "allowed",
          access: read("/switchyard/v1/members/matrix/", "prefix"),
          run: (c) => c.getAll().prefix("/switchyard/v1/members/matrix/").exec(),
        },
        {
          op: "delete a member",
          expect: "allowed",
          access: write(member),
          run: (c) => c.delete().key(member).exec(),
        },
        {
          op: "write a route",
          expect: "forbidden",
          access: write(route),
          run: (c) => c.put(route).value(sampleRoute("matrix.example.test")).exec(),
        },
        {
          op: "write an agent status",
          expect: "forbidden",
          access: write(blueStatus),
          run: (c) => c.put(blueStatus).value("{}").exec(),
        },
        DELETE_ALL,
      ],
    },
    {
      identity: DEPLOYER.user,
      cert: etcd.certs[DEPLOYER.id],
      ops: [
        {
          op: "create a route with compare-and-swap",
          expect: "allowed",
          access: write(route),
          run: (c) =>
            c
              .if(route, "Create", "==", 0)
              .then(c.put(route).value(sampleRoute("matrix.example.test")))
              .else(c.get(route))
              .commit(),
        },
        { op: "read a route", expect: "allowed", access: read(route), run: (c) => c.get(route).exec() },
        {
          op: "read every agent's status",
          expect: "allowed",
          access: read("/switchyard/v1/agents/", "prefix"),
          run: (c) => c.getAll().prefix("/switchyard/v1/agents/").exec(),
        },
        {
          op: "delete a route",
          expect: "allowed",
          access: write(route),
          run: (c) => c.delete().key(route).exec(),
        },
        {
          op: "write a member",
          expect: "forbidden",
          access: write(member),
          run: (c) => c.put(member).value(sampleMember).exec(),
        },
        {
          op: "write an agent status",
          expect: "forbidden",
          access: write(blueStatus),
          run: (c) => c.put(blueStatus).value("{}").exec(),
        },
        {
          op: "write outside the routes",
          expect: "forbidden",
          access: write("/switchyard/v2/routes/x"),
          run: (c) => c.put("/switchyard/v2/routes/x").value("{}").exec(),
        },
        DELETE_ALL,
      ],
    },
    {
      identity: BACKUP.user,
      cert: etcd.certs[BACKUP.id],
      // The root role: snapshots need it (etcd admits Maintenance.Snapshot to root only).
      ops: [
        {
          op: "take a snapshot",
          expect: "allowed",
          access: read(""),
          run: () => snapshotWith(etcd, etcd.certs[BACKUP.id]),
        },
      ],
    },
  ];
}

async function runMatrix(etcd: RenderedEtcd): Promise<OpOutcome[]> {
  const outcomes: OpOutcome[] = [];
  for (const entry of matrix(etcd)) {
    const c = client(etcd, entry.cert);
    try {
      for (const o of entry.ops) outcomes.push(await attempt(entry.identity, c, o));
    } finally {
      c.close();
    }
  }
  return outcomes;
}

/** etcd's answer to a certificate whose CN is no user (range: permission denied; else: no user). */
const refusedByEtcd = (r: { status: number; stderr: string }) =>
  r.status !== 0 && /permission denied|user name not found/.test(r.stderr);

const names = (out: string) =>
  out
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .sort();

async function freshCluster(): Promise<EtcdAuthReport["fresh"]> {
  const etcd = await startRenderedEtcd();
  try {
    const bootstrap = await etcd.bootstrapAuth();
    const rerun = await etcd.bootstrapAuth();
    const backup = etcd.certs[BACKUP.id];
    const users = names(etcd.etcdctl(["user", "list"], backup).stdout);
    const roles = names(etcd.etcdctl(["role", "list"], backup).stdout);
    const asMember = etcd.etcdctl(["get", "/switchyard/v1/routes/", "--prefix"], etcd.members[0].cert);
    const memberCertRefused = refusedByEtcd(asMember);
    return { bootstrap, rerun, users, roles, memberCertRefused, ops: await runMatrix(etcd) };
  } finally {
    await etcd.stop();
  }
}

function routeInputs(
  etcd: RenderedEtcd,
  backends: Record<"blue" | "green", Backend>,
  live: "blue" | "green",
): RouteInputs {
  const pem = (f: string) => readFileSync(f, "utf8");
  const deployer = etcd.certs[DEPLOYER.id];
  return {
    host: ROUTE_HOST,
    app: APP,
    live,
    backends: {
      blue: { port: backends.blue.port, healthCheckPath: "/health" },
      green: { port: backends.green.port, healthCheckPath: "/health" },
    },
    minHealthy: 1,
    // Checks that a loaded machine cannot fail by accident: this measures the migration, not HAProxy.
    healthCheck: { intervalMs: 1000, rise: 2, fall: 3 },
    etcd: {
      endpoints: etcd.endpoints,
      ca: pem(etcd.ca.cert),
      cert: pem(deployer.cert),
      key: pem(deployer.key),
    },
    gate: { healthTimeoutMs: 20_000, verifyTimeoutMs: 20_000, pollMs: 100, smokeCheckUrls: [] },
  };
}

async function migration(): Promise<EtcdAuthReport["migration"]> {
  // An existing cluster without authentication, its clients already moved to their own
  // certificates (step 1 of the documented order), a CA-signed shared certificate still around.
  const etcd = await startRenderedEtcd({ extraClients: { "old-shared": "switchyard-client" } });
  const backends = { blue: await startBackend("blue"), green: await startBackend("green") };
  const blue = agentIdentity("blue");
  const agentCert = etcd.certs[blue.id];
  let agent: AgentHandle | undefined;
  try {
    agent = await AgentHandle.start({
      id: "blue-lb1",
      etcdEndpoints: etcd.endpoints,
      flags: [`--etcd-ca=${etcd.ca.cert}`, `--etcd-cert=${agentCert.cert}`, `--etcd-key=${agentCert.key}`],
    });
    const registrar = client(etcd, etcd.certs[REGISTRAR.id]);
    try {
      for (const colour of ["blue", "green"] as const) {
        await registrar
          .put(memberKey(APP, colour, "m1"))
          .value(serializeMember({ address: "127.0.0.1", port: backends[colour].port }));
      }
    } finally {
      registrar.close();
    }
    const created = await create(routeInputs(etcd, backends, "blue"));
    const port = agent.port;
    await waitUntil("the agent to serve blue", 20_000, async () =>
      (await get(port, ROUTE_HOST)).colour === "blue" ? true : undefined,
    );
    const load = startLoad({ ports: [port], hosts: [ROUTE_HOST], connections: 8 });
    let result: LoadResult;
    let flipConfirmed = false;
    let bootstrap: { status: number; output: string }[] = [];
    try {
      // Steps 2 and 3: users and roles, then authentication on, all members at once.
      bootstrap = await etcd.bootstrapAuth();
      // The agent must go on reading (the flip) and writing its status (the Route's confirmation).
      const outs: RouteOutputs = await update(
        created.id,
        created.outs,
        routeInputs(etcd, backends, "green"),
      ).then((r) => ({ ...created.outs, ...r.outs }));
      flipConfirmed = outs.live === "green";
      await waitUntil("the agent to serve green", 20_000, async () =>
        (await get(port, ROUTE_HOST)).colour === "green" ? true : undefined,
      );
    } finally {
      result = await load.stop();
    }
    const old = etcd.etcdctl(["get", ROUTE_HOST], etcd.certs["old-shared"]);
    return {
      bootstrap,
      oldSharedCertRefused: refusedByEtcd(old),
      flipConfirmed,
      servedAfter: (await get(port, ROUTE_HOST)).colour,
      load: result,
      agentLog: agent.logs().slice(-4000),
    };
  } finally {
    await agent?.destroy();
    await Promise.all([backends.blue.close(), backends.green.close()]);
    await etcd.stop();
  }
}

export async function runEtcdAuthCheck(): Promise<EtcdAuthReport> {
  const fresh = await freshCluster();
  const mig = await migration();
  return { roles: etcdIdentities().length, fresh, migration: mig };
}

/** The one-line summary `npm run check:etcd-auth` prints. */
export function summarize(r: EtcdAuthReport): Record<string, number> {
  const allowed = r.fresh.ops.filter((o) => o.expect === "allowed");
  const forbidden = r.fresh.ops.filter((o) => o.expect === "forbidden");
  return {
    roles: r.roles,
    allowedOps: allowed.length,
    allowedOk: allowed.filter((o) => o.ok).length,
    forbiddenOps: forbidden.length,
    forbiddenRefused: forbidden.filter((o) => !o.ok && o.refused).length,
    migrationFailedRequests: r.migration.load.failures,
  };
}
