/**
 * The bootstrap program of a MongoDB member: a mongosh script (mongosh ships with the server
 * packages and runs JavaScript with Node's fs), run by systemd at every boot. Check, then act:
 * it reads `hello` from itself and its peers and changes only what is missing — `rs.initiate`
 * exactly once (by mongodb-0, only when no member belongs to a set yet, before any user exists),
 * the admin user through the localhost exception, the apps' user, the platform services' users
 * (one per `service-<name>` credential), the monitoring user (clusterMonitor, exactly), and a member adding itself
 * to an existing set when it is new (growing 3 -> 5). The decision is one pure function,
 * `decide`, that the tests run against observed states.
 *
 * Passwords are read from the files fetch-secret-files wrote and never printed.
 */
import { MONGO_MONITOR, MONGO_SERVICE_PREFIX } from "./layout";

export interface MongoBootstrapEnvInput {
  selfHost: string;
  port: number;
  /** host:port of every member, mongodb-0 (the initiator) first; the order of rs.conf(). */
  members: string[];
  replicaSetName: string;
  caFile: string;
  credentialsDir: string;
  database: string;
  appUser: string;
  /** How long a member waits for its peers or for the set before failing (systemd retries). */
  waitSeconds: number;
  pollSeconds: number;
}

export function renderMongoBootstrapEnv(e: MongoBootstrapEnvInput): string {
  const entries: [string, string | number][] = [
    ["SELF_HOST", e.selfHost],
    ["PORT", e.port],
    ["MEMBERS", e.members.join(",")],
    ["REPLICA_SET", e.replicaSetName],
    ["TLS_CA", e.caFile],
    ["CREDENTIALS_DIR", e.credentialsDir],
    ["APP_DATABASE", e.database],
    ["APP_USER", e.appUser],
    ["WAIT_SECONDS", e.waitSeconds],
    ["POLL_SECONDS", e.pollSeconds],
  ];
  return (
    entries
      .map(([k, v]) => {
        if (!/^[A-Za-z0-9_./:,-]+$/.test(String(v)))
          throw new Error(`unsafe value for ${k}: ${JSON.stringify(v)}`);
        return `${k}=${v}`;
      })
      .join("\n") + "\n"
  );
}

/** The step for an observed state; pure (the tests evaluate this exact text). */
export const DECIDE_SOURCE = `function decide(s) {
  if (!s.initialized) {
    // A set exists on a peer: this member is new (or lost its data) and joins it.
    if (s.setSeenAt) return "join";
    // Nobody has a set yet: only the initiator creates it, and only with every member reachable.
    if (s.initiator && s.unreachable.length === 0) return "initiate";
    return "wait";
  }
  if (!s.hasPrimary) return "wait";
  return s.isPrimary ? "users" : "done";
}`;

/**
 * Platform services' users (Graylog's), one per credential file `service-<name>` in the
 * credentials directory: user and database `<name>`. Read from the secret rather than from
 * user-data, so enabling a service on running members needs no instance replacement, only a
 * re-run of the bootstrap (docs/databases.md). Pure (the tests evaluate this exact text).
 */
export const SERVICE_USERS_SOURCE = `function serviceUsers(files) {
  return files
    .filter((f) => f.startsWith(SERVICE_PREFIX))
    .map((f) => f.slice(SERVICE_PREFIX.length))
    .filter((name) => /^[a-z][a-z0-9_]{0,31}$/.test(name))
    .sort();
}`;

/**
 * What the monitoring user needs, from what `getUser` returned (null: none) and whether a login
 * with the current credential works: create it, or set its roles to exactly the wanted ones
 * (nothing more: a widened account is narrowed back), or its password (rotation). Pure (the
 * tests evaluate this exact text).
 */
export const MONITOR_STEPS_SOURCE = `function monitorSteps(user, loginOk, wanted) {
  if (user === null) return ["create"];
  const key = (roles) => roles.map((r) => r.db + "." + r.role).sort().join(",");
  const steps = [];
  if (key(user.roles || []) !== key(wanted)) steps.push("roles");
  if (!loginOk) steps.push("password");
  return steps;
}`;

export function renderMongoBootstrapScript(): string {
  return `// Switchyard MongoDB member bootstrap (components/data/mongodb/render/bootstrap.ts).
// Check, then act: safe at every boot and when run twice.
// usage: mongosh --nodb --quiet --file mongodb-bootstrap.js (settings from bootstrap.env)
const fs = require("fs");
const env = process.env;
let changes = 0;
const log = (m) => print("mongodb-bootstrap: " + m);
const changed = (m) => {
  changes += 1;
  log("change: " + m);
};

${DECIDE_SOURCE}

const SERVICE_PREFIX = ${JSON.stringify(MONGO_SERVICE_PREFIX)};
${SERVICE_USERS_SOURCE}

const MONITOR = ${JSON.stringify(MONGO_MONITOR)};
${MONITOR_STEPS_SOURCE}

function secret(name) {
  const value = fs.readFileSync(env.CREDENTIALS_DIR + "/" + name, "utf8").trim();
  if (!/^[A-Za-z0-9]{16,128}$/.test(value)) throw new Error("credential " + name + " must be 16-128 letters and digits");
  return value;
}

const tlsOptions = "tls=true&tlsCAFile=" + encodeURIComponent(env.TLS_CA) + "&serverSelectionTimeoutMS=5000";
const self = env.SELF_HOST + ":" + env.PORT;
const members = env.MEMBERS.split(",");
const local = "127.0.0.1:" + env.PORT;

function connect(host) {
  return new Mongo("mongodb://" + host + "/?directConnection=true&" + tlsOptions);
}

function hello(host) {
  try {
    return connect(host).getDB("admin").runCommand({ hello: 1 });
  } catch (e) {
    return undefined;
  }
}

function observe() {
  const h = hello(local);
  if (!h) return undefined;
  const peers = members.filter((m) => m !== self).map((m) => [m, hello(m)]);
  const seen = peers.find(([, p]) => p && p.setName);
  return {
    initialized: Boolean(h.setName),
    hasPrimary: Boolean(h.primary),
    isPrimary: h.isWritablePrimary === true,
    initiator: self === members[0],
    setSeenAt: seen ? seen[0] : undefined,
    unreachable: peers.filter(([, p]) => !p).map(([m]) => m),
  };
}

function adminDb(host) {
  const db = connect(host).getDB("admin");
  db.auth("admin", secret("admin"));
  return db;
}

function canLogin(host, database, user, credential) {
  try {
    connect(host).getDB(database).auth(user, credential);
    return true;
  } catch (e) {
    return false;
  }
}

function initiate() {
  const config = { _id: env.REPLICA_SET, members: members.map((host, i) => ({ _id: i, host })) };
  // No user exists yet: the localhost exception allows this on 127.0.0.1.
  const r = connect(local).getDB("admin").runCommand({ replSetInitiate: config });
  if (r.ok !== 1) throw new Error("replSetInitiate failed: " + r.errmsg);
  changed("replica set " + env.REPLICA_SET + " initiated with " + members.join(", "));
}

function join(seed) {
  const hosts = members.filter((m) => m !== self).join(",");
  const conn = new Mongo("mongodb://" + hosts + "/?replicaSet=" + env.REPLICA_SET + "&" + tlsOptions);
  const db = conn.getDB("admin");
  db.auth("admin", secret("admin"));
  const config = db.runCommand({ replSetGetConfig: 1 }).config;
  if (config.members.some((m) => m.host === self)) {
    log("already in the configuration of " + env.REPLICA_SET + " (seen at " + seed + "); waiting to sync");
    return;
  }
  const nextId = Math.max(...config.members.map((m) => m._id)) + 1;
  config.members.push({ _id: nextId, host: self });
  config.version += 1;
  const r = db.runCommand({ replSetReconfig: config });
  if (r.ok !== 1) throw new Error("adding " + self + " failed: " + r.errmsg);
  changed("added " + self + " to " + env.REPLICA_SET);
}

function ensureUsers() {
  const adminSecret = secret("admin");
  if (!canLogin(local, "admin", "admin", adminSecret)) {
    // Only possible while no user exists (the localhost exception); otherwise the password differs.
    try {
      connect(local).getDB("admin").createUser({ user: "admin", pwd: adminSecret, roles: [{ role: "root", db: "admin" }] });
    } catch (e) {
      throw new Error("the admin user exists with another password; rotate it by hand (docs/databases.md)");
    }
    changed("admin user created through the localhost exception");
  }
  const admin = adminDb(local);
  ensureUser(admin, env.APP_DATABASE, env.APP_USER, "app");
  for (const name of serviceUsers(fs.readdirSync(env.CREDENTIALS_DIR))) ensureUser(admin, name, name, SERVICE_PREFIX + name);
  ensureMonitor(admin);
}

// The host Telegraf's account on admin: clusterMonitor and nothing else.
function ensureMonitor(admin) {
  const pwd = secret(MONITOR.credential);
  const user = admin.getUser(MONITOR.user);
  const roles = MONITOR.roles.map((r) => ({ role: r.role, db: r.db }));
  const steps = monitorSteps(user, user !== null && canLogin(local, "admin", MONITOR.user, pwd), roles);
  for (const step of steps) {
    if (step === "create") admin.createUser({ user: MONITOR.user, pwd, roles });
    else if (step === "roles") admin.updateUser(MONITOR.user, { roles });
    else if (step === "password") admin.updateUser(MONITOR.user, { pwd });
    changed("monitoring user " + MONITOR.user + ": " + step);
  }
}

// A user owning its own database, readWrite there only; its password set again when a login
// with the current credential fails (rotation).
function ensureUser(admin, database, user, credential) {
  const db = admin.getSiblingDB(database);
  const pwd = secret(credential);
  if (db.getUser(user) === null) {
    db.createUser({ user, pwd, roles: [{ role: "readWrite", db: database }] });
    changed("user " + user + " created");
  } else if (!canLogin(local, database, user, pwd)) {
    db.updateUser(user, { pwd });
    changed("user " + user + ": password set to the current credential");
  }
}

let state;
for (let i = 0; !(state = observe()); i++) {
  if (i >= 300) throw new Error("the local mongod does not answer on " + local);
  sleep(1000);
}
const deadline = Date.now() + Number(env.WAIT_SECONDS) * 1000;
let lastWait = "";
for (;;) {
  const step = decide(state);
  if (step === "initiate") initiate();
  else if (step === "join") join(state.setSeenAt);
  else if (step === "wait") {
    const why = state.initialized
      ? "waiting for " + env.REPLICA_SET + " to elect a primary"
      : "waiting for " + (state.initiator ? "every member (unreachable: " + state.unreachable.join(", ") + ")" : members[0] + " to initiate " + env.REPLICA_SET);
    if (why !== lastWait) log(why);
    lastWait = why;
    if (Date.now() > deadline) throw new Error("gave up after " + env.WAIT_SECONDS + "s: " + why);
    sleep(Number(env.POLL_SECONDS) * 1000);
  } else {
    if (step === "users") ensureUsers();
    break;
  }
  state = observe() || state;
}
log("role: " + (state.isPrimary ? "primary" : "secondary") + " of " + env.REPLICA_SET);
log("done: " + changes + " change(s)");
`;
}
