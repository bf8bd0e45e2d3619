/**
 * The agent: keeps the routing records from etcd, and on every change makes HAProxy match them,
 * through the Runtime API when it can and a validated seamless reload when the structure changes.
 * Decisions live in desired.ts, haproxy/layout.ts and plan.ts; this file only sequences I/O.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { join } from "node:path";
import type { Etcd3 } from "etcd3";
import type { AgentConfig } from "./config";
import { buildDesired, parseAccepted, parseRecord, serializeAccepted } from "./desired";
import type { AcceptedRoute, DesiredState, Endpoint, EtcdRecord } from "./desired";
import { connectEtcd, RoutingSource, StatusPublisher } from "../runtime/etcd";
import type { KvChange, WatchHealth } from "../runtime/etcd";
import { startHttp } from "../runtime/http";
import { assignSlots, deriveLayout, routedOnly, sameLayout } from "./haproxy/layout";
import type { Layout } from "./haproxy/layout";
import { backendHealth, parseMap, parseServersState } from "./haproxy/parse";
import type { ServerState } from "./haproxy/parse";
import { checkConfig, masterAlive, reloadHaproxy, startHaproxy, workerPid } from "./haproxy/process";
import { renderConfig, renderMap } from "../../model/haproxyConfig";
import { applyCommands, runtimeCommands } from "./haproxy/runtime";
import type { Logger } from "../runtime/log";
import { Metrics } from "./metrics";
import { decideRoutes, planMap, planServers } from "./plan";
import { backendName } from "./desired";
import { serializeAgentStatus } from "../../model/etcd/schema";
import { haproxyPaths, type HaproxyPaths } from "../../model/haproxy";
import { HEALTHZ_PATH } from "../../model/http";
import type { AgentStatus, BackendHealth, RejectedRecord, RouteStatus } from "../../model/etcd/schema";

function writeAtomic(path: string, content: string): void {
  writeFileSync(`${path}.tmp`, content);
  renameSync(`${path}.tmp`, path);
}

/** Changes whenever a route's accepted value does. */
function acceptedSignature(accepted: ReadonlyMap<string, AcceptedRoute>): string {
  return [...accepted].map(([k, a]) => `${k}@${a.modRevision}`).join(",");
}

/** The watch's health for /status: ages in milliseconds, so a reader needs no clock of ours. */
export function watchReport(h: WatchHealth): Record<string, unknown> {
  const age = (at?: number) => (at === undefined ? null : Math.round(performance.now() - at));
  return {
    watching: h.watching,
    member: h.member ?? null,
    revision: h.revision,
    lastEventAgeMs: age(h.lastEventAt),
    lastProgressAgeMs: age(h.lastProgressAt),
    reconnects: h.reconnects,
  };
}

export class Agent {
  readonly metrics = new Metrics();
  private readonly paths: HaproxyPaths;
  private readonly layoutFile: string;
  private readonly acceptedFile: string;
  private acceptedSaved = "";
  private saveTimer?: NodeJS.Timeout;
  private readonly client: Etcd3;
  private readonly source: RoutingSource;
  private readonly publisher: StatusPublisher;
  private http?: Server;
  private healthTimer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;

  private records = new Map<string, EtcdRecord>();
  /** Route values serving now: a bad update of one of these keys keeps the value live. */
  private accepted = new Map<string, AcceptedRoute>();
  private revision = 0;
  private synced = false;
  private running = false;
  /** Whether the running HAProxy runs a configuration this agent rendered (not a bootstrap one). */
  private configured = false;
  /** What HAProxy runs: its layout, slot contents, host map and backend health. */
  private layout: Layout = [];
  /** Backends some route uses; the layout may also hold backends of removed routes. */
  private routed = new Set<string>();
  private servers = new Map<string, ServerState[]>();
  private map = new Map<string, string>();
  private health = new Map<string, BackendHealth>();
  /** When `health` was last read for every backend (performance.now()). */
  private healthAt = 0;

  private applying = false;
  private dirtySince?: number;
  private appliedRevision = 0;
  private statuses: Record<string, RouteStatus> = {};
  private rejected: RejectedRecord[] = [];
  private lastError?: string;

  constructor(
    private readonly config: AgentConfig,
    private readonly log: Logger,
  ) {
    this.paths = haproxyPaths(config.stateDir);
    this.layoutFile = join(config.stateDir, "layout.json");
    this.acceptedFile = join(config.stateDir, "accepted-routes.json");
    const etcd = {
      endpoints: config.etcdEndpoints,
      caFile: config.etcdCaFile,
      certFile: config.etcdCertFile,
      keyFile: config.etcdKeyFile,
    };
    this.client = connectEtcd(etcd);
    this.source = new RoutingSource(etcd, log, {
      snapshot: (kvs, revision) => this.onSnapshot(kvs, revision),
      changes: (changes, revision) => this.onChanges(changes, revision),
      connection: (connected) => this.onConnection(connected),
    });
    this.publisher = new StatusPublisher(
      this.client,
      config.agentId,
      config.statusTtlSeconds,
      config.statusIntervalMs,
      log,
      (ok) => {
        if (!ok) this.metrics.statusWriteErrors++;
      },
    );
  }

  async start(): Promise<void> {
    mkdirSync(this.config.stateDir, { recursive: true });
    this.http = await startHttp(this.config.httpAddress, this.config.httpPort, {
      status: () => ({
        ...this.status(),
        etcdConnected: this.source.health().watching,
        etcd: watchReport(this.source.health()),
        haproxyRunning: this.running,
      }),
      metrics: () => this.metrics.render(this.source.health()),
      healthy: () => this.running,
    });
    if (existsSync(this.acceptedFile)) {
      this.accepted = parseAccepted(readFileSync(this.acceptedFile, "utf8"));
      this.acceptedSaved = acceptedSignature(this.accepted);
    }
    await this.attachOrRecover();
    this.source.start().catch((e) => this.log.error("etcd source stopped", { error: String(e) }));
    this.healthTimer = setInterval(() => void this.pollHealth(), this.config.healthPollMs);
  }

  /** Port of the status/metrics endpoint (useful with --http-port 0). */
  httpPort(): number {
    const addr = this.http?.address();
    return typeof addr === "object" && addr ? addr.port : 0;
  }

  async stop(): Promise<void> {
    clearInterval(this.healthTimer);
    clearTimeout(this.retryTimer);
    if (this.saveTimer) this.saveAccepted();
    await this.source.stop();
    await this.publisher.close();
    this.client.close();
    await new Promise((r) => this.http?.close(r) ?? r(undefined));
  }

  /**
   * An agent restart must not disturb traffic: a running HAProxy is adopted as it is. Without one
   * (host reboot), HAProxy starts from the last known good config so it serves before etcd answers.
   */
  private async attachOrRecover(): Promise<void> {
    const saved: Layout = existsSync(this.layoutFile)
      ? JSON.parse(readFileSync(this.layoutFile, "utf8"))
      : [];
    if ((await workerPid(this.paths)) !== undefined) {
      this.log.info("adopting the running HAProxy", { backends: saved.length });
      // A HAProxy started before any agent ran (a host's bootstrap config) gets the agent's
      // config on the first apply, even when etcd holds no route yet.
      this.configured = existsSync(this.layoutFile);
    } else if (
      this.config.haproxySupervisor === "agent" &&
      existsSync(this.layoutFile) &&
      existsSync(this.paths.config)
    ) {
      await startHaproxy(this.config.haproxyBin, this.paths);
      this.configured = true;
      this.log.info("started HAProxy from the last known good configuration", { backends: saved.length });
    } else {
      return;
    }
    this.running = true;
    this.layout = saved;
    await this.refreshActual();
  }

  private onConnection(watching: boolean): void {
    const h = this.source.health();
    this.log.info(watching ? "etcd watch established" : "etcd watch down", {
      member: h.member,
      revision: h.revision,
    });
  }

  private onSnapshot(kvs: KvChange[], revision: number): void {
    this.records = new Map(
      kvs.map((kv) => [kv.key, parseRecord(kv.key, kv.value!, kv.modRevision, kv.createRevision)]),
    );
    this.revision = revision;
    this.synced = true;
    this.log.info("listed routing records", { records: kvs.length, revision });
    this.markDirty();
  }

  private onChanges(changes: KvChange[], revision: number): void {
    for (const c of changes) {
      if (c.value === undefined) this.records.delete(c.key);
      else this.records.set(c.key, parseRecord(c.key, c.value, c.modRevision, c.createRevision));
    }
    this.revision = revision;
    this.markDirty();
  }

  private markDirty(): void {
    this.dirtySince ??= performance.now();
    if (!this.applying && this.synced) void this.applyLoop();
  }

  private async applyLoop(): Promise<void> {
    this.applying = true;
    while (this.dirtySince !== undefined) {
      const since = this.dirtySince;
      const revision = this.revision;
      this.dirtySince = undefined;
      try {
        await this.apply();
        this.appliedRevision = revision;
        this.lastError = undefined;
        this.metrics.appliedRevision = revision;
        this.metrics.lastApplySuccess = Date.now() / 1000;
        const seconds = (performance.now() - since) / 1000;
        this.metrics.observeApply(seconds);
        this.log.debug("applied", { revision, ms: Math.round(seconds * 10000) / 10 });
      } catch (e) {
        this.lastError = (e as Error).message;
        this.metrics.applyErrors++;
        this.log.error("apply failed; HAProxy keeps its last good state", {
          error: this.lastError,
          revision,
        });
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => this.markDirty(), 1000);
      }
    }
    this.applying = false;
    this.publishStatus();
  }

  private async apply(): Promise<void> {
    if (!this.running && this.config.haproxySupervisor === "systemd") await this.adoptSupervised();
    const desired = buildDesired(this.records, { memberCidrs: this.config.memberCidrs }, this.accepted);
    this.accepted = desired.accepted;
    // Off the apply path: a flip among 1,000 routes must not wait for a file write.
    if (!this.saveTimer && acceptedSignature(this.accepted) !== this.acceptedSaved) {
      this.saveTimer = setTimeout(() => this.saveAccepted(), 200);
    }
    this.rejected = desired.rejected;
    this.metrics.rejectedRecords = desired.rejected.length;
    this.routed = new Set(desired.endpoints.keys());
    let layout = deriveLayout(desired, this.layout, this.config.minSlots);
    const reload = !this.running || !this.configured || !sameLayout(layout, this.layout);
    // A reload renders only what routes use: backends kept for removed routes go with it.
    if (reload) layout = routedOnly(layout, desired);
    const slots = new Map(
      layout.map((b) => [
        b.name,
        assignSlots(b.slots, desired.endpoints.get(b.name) ?? [], this.servers.get(b.name) ?? []),
      ]),
    );
    if (this.running) await this.applyServers(layout, slots);
    let structural: Error | undefined;
    if (reload) {
      try {
        await this.restructure(desired, layout, slots);
      } catch (e) {
        if (!this.running) throw e;
        // HAProxy keeps its last good config; every route it can serve is still applied.
        structural = e as Error;
      }
    }
    await this.applyRoutes(desired, structural ? new Set(this.layout.map((b) => b.name)) : undefined);
    if (structural) throw structural;
  }

  /**
   * Under systemd the agent never starts HAProxy itself (two supervisors would race to bind the
   * same ports): it adopts the one systemd (re)started, from the config files the agent last wrote.
   */
  private async adoptSupervised(): Promise<void> {
    if ((await workerPid(this.paths)) === undefined) {
      throw new Error("HAProxy is not running; waiting for systemd to start it (haproxySupervisor=systemd)");
    }
    this.running = true;
    this.configured = false;
    await this.refreshActual();
    this.log.info("adopted the HAProxy systemd started");
  }

  /** Member changes into existing slots: Runtime API only. */
  private async applyServers(layout: Layout, slots: Map<string, (Endpoint | undefined)[]>): Promise<void> {
    const commands = layout.flatMap((b) =>
      planServers(b.name, slots.get(b.name)!, this.servers.get(b.name) ?? []),
    );
    if (commands.length === 0) return;
    await this.runtime(commands);
    for (const b of layout) {
      const have = this.servers.get(b.name);
      if (!have) continue;
      slots.get(b.name)!.forEach((e, i) => {
        if (i < have.length) have[i] = { ...have[i], ...(e ? { ...e, enabled: true } : { enabled: false }) };
      });
    }
    this.log.info("updated backend members", { commands: commands.length });
  }

  /** Structural change: render, validate with haproxy -c, persist state, then start or reload. */
  private async restructure(
    desired: DesiredState,
    layout: Layout,
    slots: Map<string, (Endpoint | undefined)[]>,
  ): Promise<void> {
    const cfg = renderConfig(
      { mode: "routes", backends: layout, slots },
      {
        paths: this.paths,
        bindAddress: this.config.bindAddress,
        bindPort: this.config.bindPort,
        redirectPort: this.config.redirectPort,
        maxconn: this.config.maxconn,
        healthzPath: HEALTHZ_PATH,
      },
    );
    // A first start has no live colour to protect: hosts start on their desired colour.
    const entries = this.running ? this.map : decideRoutes(desired.routes, new Map(), new Map()).entries;
    writeAtomic(this.paths.map, renderMap(entries));
    const candidate = `${this.paths.config}.new`;
    writeFileSync(candidate, cfg);
    const check = await checkConfig(this.config.haproxyBin, candidate);
    if (!check.ok)
      throw new Error(
        `haproxy -c rejected the new configuration; keeping the last good one: ${check.output}`,
      );
    if (this.running) await this.saveServerState();
    else if (!existsSync(this.paths.serverState)) writeFileSync(this.paths.serverState, "");
    const previous =
      existsSync(this.paths.config) && existsSync(this.layoutFile)
        ? { config: readFileSync(this.paths.config, "utf8"), layout: readFileSync(this.layoutFile, "utf8") }
        : undefined;
    renameSync(candidate, this.paths.config);
    writeAtomic(this.layoutFile, JSON.stringify(layout));
    const started = performance.now();
    const action = this.running ? "reloaded HAProxy" : "started HAProxy";
    try {
      if (this.running) {
        await reloadHaproxy(this.paths);
        this.metrics.reloads++;
      } else {
        await startHaproxy(this.config.haproxyBin, this.paths);
        this.running = true;
      }
      this.configured = true;
    } catch (e) {
      // The running HAProxy still has the previous config: keep the files saying so.
      if (previous) {
        writeAtomic(this.paths.config, previous.config);
        writeAtomic(this.layoutFile, previous.layout);
      }
      throw e;
    }
    this.layout = layout;
    await this.refreshActual();
    // Slots added by the reload come from the config; everything else came back from the state file.
    await this.applyServers(layout, slots);
    this.log.info(action, { backends: layout.length, ms: Math.round(performance.now() - started) });
  }

  private async applyRoutes(desired: DesiredState, available?: Set<string>): Promise<void> {
    // The guard must see HAProxy's present view: the health poll's if it is at most one poll
    // interval old (HAProxy's own checks are slower than that), else a fresh read of the targets.
    // Skipping that round trip keeps a flip to one Runtime API call.
    const targets = new Set(
      desired.routes
        .map(({ route }) => backendName(route.app, route.liveColour))
        .filter((b, i) => this.map.get(desired.routes[i].route.host) !== b),
    );
    if (targets.size > 0 && performance.now() - this.healthAt > this.config.healthPollMs) {
      await this.refreshHealth([...targets]);
    }
    const decision = decideRoutes(desired.routes, this.map, this.health, available);
    for (const [host, s] of Object.entries(decision.statuses)) {
      const before = this.statuses[host];
      if (s.state === "refused" && (before?.state !== "refused" || before.modRevision !== s.modRevision)) {
        this.metrics.refusedFlips++;
        this.log.warn("flip refused", { host, reason: s.reason });
      }
    }
    this.statuses = decision.statuses;
    const commands = planMap(this.paths.map, decision.entries, this.map);
    if (commands.length === 0) return;
    const flips = desired.routes.filter(({ route }) => {
      const before = this.map.get(route.host);
      return before !== undefined && before !== decision.entries.get(route.host);
    }).length;
    if (this.config.flipStrategy === "reload") {
      // confd-style, kept only to measure the difference: rewrite the map file and reload.
      writeAtomic(this.paths.map, renderMap(decision.entries));
      await this.saveServerState();
      await reloadHaproxy(this.paths);
      this.metrics.reloads++;
    } else {
      await this.runtime(commands);
      writeAtomic(this.paths.map, renderMap(decision.entries));
    }
    this.map = decision.entries;
    this.metrics.flips += flips;
    if (flips > 0) this.log.info("flipped hosts", { flips, strategy: this.config.flipStrategy });
  }

  private saveAccepted(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    try {
      writeAtomic(this.acceptedFile, serializeAccepted(this.accepted));
      this.acceptedSaved = acceptedSignature(this.accepted);
    } catch (e) {
      this.log.warn("cannot save the accepted routes", { error: String(e) });
    }
  }

  private async runtime(commands: string[]): Promise<void> {
    await applyCommands(this.paths.adminSocket, commands);
    this.metrics.runtimeCommands += commands.length;
  }

  private async saveServerState(): Promise<void> {
    const [state] = await runtimeCommands(this.paths.adminSocket, ["show servers state"]);
    writeAtomic(this.paths.serverState, state);
  }

  private async refreshActual(): Promise<void> {
    const [state, map] = await runtimeCommands(this.paths.adminSocket, [
      "show servers state",
      `show map ${this.paths.map}`,
    ]);
    this.setServers(parseServersState(state));
    this.healthAt = performance.now();
    this.map = parseMap(map);
  }

  private async refreshHealth(backends: string[]): Promise<void> {
    const known = backends.filter((b) => this.layout.some((l) => l.name === b));
    if (known.length === 0) return;
    const answers = await runtimeCommands(
      this.paths.adminSocket,
      known.map((b) => `show servers state ${b}`),
    );
    const merged = new Map(this.servers);
    for (const a of answers) for (const [name, s] of parseServersState(a)) merged.set(name, s);
    this.setServers(merged);
  }

  private setServers(servers: Map<string, ServerState[]>): void {
    this.servers = servers;
    this.health = new Map(
      this.layout.map((b) => [b.name, backendHealth(this.servers.get(b.name) ?? [], b.healthCheck)]),
    );
  }

  /** Health changes can unblock a refused flip and always change the reported status. */
  private async pollHealth(): Promise<void> {
    if (!this.running || this.applying) return;
    const before = JSON.stringify([...this.health]);
    try {
      const [state] = await runtimeCommands(this.paths.adminSocket, ["show servers state"]);
      if (this.applying) return;
      this.setServers(parseServersState(state));
      this.healthAt = performance.now();
    } catch (e) {
      this.log.warn("reading HAProxy health failed", { error: String(e) });
      // The admin socket can refuse for a moment around a reload; only a dead master with no
      // worker answering means HAProxy is gone (crash, OOM kill): the next apply starts it.
      if (!masterAlive(this.paths) && (await workerPid(this.paths)) === undefined) {
        this.running = false;
        this.markDirty();
      }
      return;
    }
    if (JSON.stringify([...this.health]) === before) return;
    if (Object.values(this.statuses).some((s) => s.state !== "live")) this.markDirty();
    this.publishStatus();
  }

  status(): AgentStatus {
    const backends: Record<string, BackendHealth> = {};
    for (const b of this.layout.filter((l) => this.routed.has(l.name)))
      backends[`${b.app}/${b.colour}`] = this.health.get(b.name) ?? { up: 0, total: 0 };
    return {
      agentId: this.config.agentId,
      appliedRevision: this.appliedRevision,
      updatedAt: new Date().toISOString(),
      routes: this.statuses,
      backends,
      rejected: this.rejected.map((r) => ({ key: r.key.slice(0, 1024), reason: r.reason.slice(0, 1024) })),
      ...(this.lastError ? { lastError: this.lastError.slice(0, 4096) } : {}),
    };
  }

  private publishStatus(): void {
    if (!this.synced) return;
    try {
      this.publisher.publish(serializeAgentStatus(this.status()));
    } catch (e) {
      // E.g. a status over the size limit: the local /status endpoint still has it.
      this.log.error("cannot publish status", { error: String(e) });
    }
  }
}
