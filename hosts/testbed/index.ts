/**
 * A local data plane for tests, demos and benchmarks: a real etcd cluster, N switchyard-agents each
 * with its own real HAProxy, and real blue/green HTTP backends. Everything binds to 127.0.0.1 on
 * kernel-assigned ports and lives in fresh temp directories; stop() kills every process it started.
 */
import { Agent as HttpAgent } from "node:http";
import { otherColour } from "../../model/validators";
import {
  agentStatusPrefix,
  memberKey,
  parseAgentStatus,
  parseRoute,
  routeKey,
  serializeMember,
  serializeRoute,
} from "../../model/etcd/schema";
import type { AgentStatus, Colour, HealthCheck, Route } from "../../model/etcd/schema";
import { AgentHandle, TEST_HEALTH } from "./agent-process";
import { startBackend } from "./backend";
import type { Backend } from "./backend";
import { startEtcdCluster } from "./etcd-cluster";
import type { EtcdCluster } from "./etcd-cluster";
import { get, startLoad } from "./load";
import type { Load } from "./load";
import { waitUntil } from "./procs";

export { AgentHandle, startBackend, startEtcdCluster, startLoad, get, waitUntil };
export type { AgentOptions } from "./agent-process";
export type { Backend, EtcdCluster, Load };
export type { EtcdMember } from "./etcd-cluster";
export type { LoadResult, Answer } from "./load";
export type { TlsFiles } from "./tls";
export { freePort, readPidFile, sleep, tempDir } from "./procs";

export interface TestbedOptions {
  /** Number of agents (each with its own HAProxy); default 2. */
  agents?: number;
  /** etcd cluster size; default 3. */
  etcdMembers?: number;
  /** Require mTLS between clients (agents included) and etcd. */
  etcdTls?: boolean;
  /** Bundled agent script to run instead of the sources. */
  agentScript?: string;
  /** Extra flags for every agent. */
  agentFlags?: string[];
}

export interface AppOptions {
  app: string;
  host: string;
  liveColour?: Colour;
  minHealthy?: number;
  previewHost?: string;
  /** Backend servers per colour (default 1). Pass `backends` to reuse servers across apps. */
  replicas?: number;
  backends?: Record<Colour, Backend[]>;
  healthCheck?: Partial<HealthCheck>;
}

export interface App {
  route: Route;
  backends: Record<Colour, Backend[]>;
}

export class Testbed {
  readonly apps = new Map<string, App>();
  private readonly ownedBackends: Backend[] = [];
  private readonly loads = new Set<Load>();
  private readonly probeAgent = new HttpAgent({ keepAlive: true, maxSockets: 4 });

  private constructor(
    readonly etcd: EtcdCluster,
    readonly agents: AgentHandle[],
    private readonly opts: TestbedOptions,
  ) {}

  static async start(opts: TestbedOptions = {}): Promise<Testbed> {
    const etcd = await startEtcdCluster({ members: opts.etcdMembers ?? 3, tls: opts.etcdTls });
    const bed = new Testbed(etcd, [], opts);
    try {
      for (let i = 0; i < (opts.agents ?? 2); i++) await bed.addAgent();
    } catch (e) {
      await bed.stop();
      throw e;
    }
    return bed;
  }

  async addAgent(
    extra: Partial<{ id: string; etcdEndpoints: string[]; flags: string[] }> = {},
  ): Promise<AgentHandle> {
    const agent = await AgentHandle.start({
      id: extra.id ?? `agent-${this.agents.length + 1}`,
      etcdEndpoints: extra.etcdEndpoints ?? this.etcd.endpoints,
      script: this.opts.agentScript,
      flags: [
        ...(this.etcd.tls
          ? [
              `--etcd-ca=${this.etcd.tls.caFile}`,
              `--etcd-cert=${this.etcd.tls.clientCertFile}`,
              `--etcd-key=${this.etcd.tls.clientKeyFile}`,
            ]
          : []),
        ...(this.opts.agentFlags ?? []),
        ...(extra.flags ?? []),
      ],
    });
    this.agents.push(agent);
    return agent;
  }

  /** Destroys an agent and its HAProxy and forgets it. */
  async removeAgent(agent: AgentHandle): Promise<void> {
    this.agents.splice(this.agents.indexOf(agent), 1);
    await agent.destroy();
  }

  /** HAProxy traffic ports of all agents. */
  get ports(): number[] {
    return this.agents.map((a) => a.port);
  }

  /** Starts backends (unless given), registers them as members and writes the route. */
  async deployApp(o: AppOptions): Promise<App> {
    const backends = o.backends ?? { blue: [], green: [] };
    if (!o.backends) {
      for (const colour of ["blue", "green"] as const) {
        for (let i = 0; i < (o.replicas ?? 1); i++) {
          const b = await startBackend(colour);
          this.ownedBackends.push(b);
          backends[colour].push(b);
        }
      }
    }
    const healthCheck = { path: "/health", ...TEST_HEALTH, ...o.healthCheck };
    const route: Route = {
      host: o.host,
      app: o.app,
      liveColour: o.liveColour ?? "blue",
      // Members carry their own ports; the backend port is the default for members without one.
      backends: {
        blue: { port: backends.blue[0]?.port ?? 80, healthCheck },
        green: { port: backends.green[0]?.port ?? 80, healthCheck },
      },
      minHealthy: o.minHealthy ?? 1,
      ...(o.previewHost ? { previewHost: o.previewHost } : {}),
    };
    for (const colour of ["blue", "green"] as const) {
      for (const [i, b] of backends[colour].entries()) {
        await this.etcd.client
          .put(memberKey(o.app, colour, `m${i + 1}`))
          .value(serializeMember({ address: "127.0.0.1", port: b.port }));
      }
    }
    await this.writeRoute(route);
    const app = { route, backends };
    this.apps.set(o.app, app);
    return app;
  }

  /**
   * Writes `count` routes (hosts r0001.example.com..., apps app-0001...) whose members all point at
   * the given shared backends, for scale tests; returns the hosts.
   */
  async deployManyRoutes(
    count: number,
    backends: Record<Colour, Backend>,
    healthCheck: Partial<HealthCheck> = {},
  ): Promise<string[]> {
    const hc = { path: "/health", ...TEST_HEALTH, ...healthCheck };
    const entries: [string, string][] = [];
    const hosts: string[] = [];
    for (let i = 1; i <= count; i++) {
      const n = String(i).padStart(4, "0");
      const [app, host] = [`app-${n}`, `r${n}.example.com`];
      hosts.push(host);
      for (const colour of ["blue", "green"] as const) {
        entries.push([
          memberKey(app, colour, "m1"),
          serializeMember({ address: "127.0.0.1", port: backends[colour].port }),
        ]);
      }
      entries.push([
        routeKey(host),
        serializeRoute({
          host,
          app,
          liveColour: "blue",
          backends: {
            blue: { port: backends.blue.port, healthCheck: hc },
            green: { port: backends.green.port, healthCheck: hc },
          },
          minHealthy: 1,
        }),
      ]);
    }
    // In parallel chunks: thousands of sequential round trips would dominate the test.
    for (let i = 0; i < entries.length; i += 200) {
      await Promise.all(entries.slice(i, i + 200).map(([k, v]) => this.etcd.client.put(k).value(v)));
    }
    return hosts;
  }

  /** Writes a route (validated); returns the etcd revision of the write. */
  async writeRoute(route: Route): Promise<number> {
    const res = await this.etcd.client.put(routeKey(route.host)).value(serializeRoute(route));
    return Number(res.header.revision);
  }

  async readRoute(host: string): Promise<Route> {
    const raw = await this.etcd.client.get(routeKey(host)).string();
    if (raw === null) throw new Error(`no route for ${host}`);
    const parsed = parseRoute(raw, host);
    if (!parsed.ok) throw new Error(parsed.error.message);
    return parsed.value;
  }

  /** Flips a host's desired colour in etcd; returns the etcd revision of the write. */
  async setLiveColour(host: string, colour: Colour): Promise<number> {
    return this.writeRoute({ ...(await this.readRoute(host)), liveColour: colour });
  }

  /** Makes every backend of one colour of an app fail (or pass) its health check. */
  setHealthy(app: string, colour: Colour, healthy: boolean): void {
    const a = this.apps.get(app);
    if (!a) throw new Error(`unknown app ${app}`);
    a.backends[colour].forEach((b) => (b.healthy = healthy));
  }

  /** The colour each agent's HAProxy serves for `host` right now. */
  async colours(host: string): Promise<(Colour | undefined)[]> {
    return Promise.all(this.agents.map(async (a) => (await get(a.port, host, this.probeAgent)).colour));
  }

  /** Waits until every agent's HAProxy answers `host` from `colour`; returns the milliseconds waited. */
  /** `pollMs`: pause between probes; a busy probe would compete for the CPU with what it measures. */
  async waitForColour(host: string, colour: Colour, timeoutMs = 15_000, pollMs = 2): Promise<number> {
    const started = performance.now();
    await waitUntil(
      `all agents to serve ${host} from ${colour}`,
      timeoutMs,
      async () => ((await this.colours(host)).every((c) => c === colour) ? true : undefined),
      pollMs,
    );
    this.agents.forEach((a) => a.haproxyPid());
    return performance.now() - started;
  }

  /** Status records of live agents, as published in etcd. */
  async agentStatuses(): Promise<AgentStatus[]> {
    const raw = await this.etcd.client.getAll().prefix(agentStatusPrefix).strings();
    return Object.values(raw).flatMap((v) => {
      const p = parseAgentStatus(v);
      return p.ok ? [p.value] : [];
    });
  }

  /** Waits until the published status of every agent satisfies `check`. */
  async waitForStatus(
    what: string,
    check: (s: AgentStatus) => boolean,
    timeoutMs = 15_000,
  ): Promise<AgentStatus[]> {
    return waitUntil(
      what,
      timeoutMs,
      async () => {
        const all = await this.agentStatuses();
        const ids = new Set(this.agents.filter((a) => a.running).map((a) => a.id));
        const mine = all.filter((s) => ids.has(s.agentId));
        return mine.length === ids.size && mine.every(check) ? mine : undefined;
      },
      50,
    );
  }

  /** Waits until every agent's health view of app/colour has at least `up` servers UP. */
  async waitForHealth(
    app: string,
    colour: Colour,
    up: (n: number) => boolean,
    timeoutMs = 15_000,
  ): Promise<void> {
    await this.waitForStatus(
      `${app}/${colour} health`,
      (s) => up(s.backends[`${app}/${colour}`]?.up ?? 0),
      timeoutMs,
    );
  }

  otherColourOf(colour: Colour): Colour {
    return otherColour(colour);
  }

  /** Load over keep-alive connections spread across all agents. */
  startLoad(hosts: string[], connections = 16): Load {
    const load = startLoad({ ports: this.ports, hosts, connections });
    this.loads.add(load);
    return load;
  }

  /**
   * Stops every load still running. A test that failed half-way never stopped its own, and left
   * running it would starve the next test's backends (they share this process) into failing checks.
   */
  async stopLoads(): Promise<void> {
    await Promise.allSettled([...this.loads].map((l) => l.stop()));
    this.loads.clear();
  }

  async stop(): Promise<void> {
    await this.stopLoads();
    this.probeAgent.destroy();
    await Promise.allSettled(this.agents.map((a) => a.destroy()));
    await Promise.allSettled(this.ownedBackends.map((b) => b.close()));
    await this.etcd.stop();
  }
}
