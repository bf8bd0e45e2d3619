/** One switchyard-agent child process with its own real HAProxy (which outlives agent restarts). */
import type { ChildProcess } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { haproxyPaths } from "../../model/haproxy";
import type { HealthCheck } from "../../model/etcd/schema";
import {
  freePort,
  killGroup,
  killPid,
  readPidFile,
  spawnLogged,
  tempDir,
  trackGroup,
  waitUntil,
} from "./procs";

export interface AgentOptions {
  id: string;
  etcdEndpoints: string[];
  /** Run this bundled script instead of the TypeScript sources (e.g. dist/agent/switchyard-agent.js). */
  script?: string;
  /** Extra flags, e.g. ["--spare-pairs=0"]. */
  flags?: string[];
}

const REPO = resolve(__dirname, "../..");

/** Check timing of the testbed's routes: fast, so tests see health changes quickly. */
export const TEST_HEALTH: Omit<HealthCheck, "path"> = { intervalMs: 200, rise: 2, fall: 2 };

export class AgentHandle {
  readonly dir: string;
  readonly logFile: string;
  private child?: ChildProcess;
  /** Every HAProxy process group seen (a replaced master leaves its old group finishing). */
  private readonly haproxyGroups = new Set<number>();

  private constructor(
    private readonly opts: AgentOptions,
    /** HAProxy's traffic port on 127.0.0.1. */
    readonly port: number,
    /** The agent's status/metrics port on 127.0.0.1. */
    readonly httpPort: number,
  ) {
    this.dir = tempDir(`switchyard-agent-${opts.id}`);
    this.logFile = join(this.dir, "agent.log");
  }

  static async start(opts: AgentOptions): Promise<AgentHandle> {
    const handle = new AgentHandle(opts, await freePort(), await freePort());
    try {
      await handle.start();
    } catch (e) {
      // Nobody else holds the handle: a half-started agent (and its HAProxy) would outlive the test.
      await handle.destroy();
      throw e;
    }
    return handle;
  }

  /** The agent's state directory: haproxy.cfg, maps, sockets, layout. */
  get stateDir(): string {
    return join(this.dir, "state");
  }

  get id(): string {
    return this.opts.id;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the agent process and waits until its status endpoint answers. */
  async start(): Promise<void> {
    const entry = this.opts.script
      ? [this.opts.script]
      : ["--import", "tsx", join(REPO, "hosts/agent/main.ts")];
    const flags = [
      `--agent-id=${this.opts.id}`,
      `--etcd-endpoints=${this.opts.etcdEndpoints.join(",")}`,
      `--state-dir=${this.stateDir}`,
      "--bind-address=127.0.0.1",
      `--bind-port=${this.port}`,
      "--http-address=127.0.0.1",
      `--http-port=${this.httpPort}`,
      "--health-poll-ms=200",
      // Stays within the default open-file limit (HAProxy needs about two descriptors per connection).
      "--maxconn=4000",
      "--status-interval-ms=50",
      // Test backends listen on loopback, which real agents refuse as a member address.
      "--member-cidrs=127.0.0.0/8",
      // Spares rendered with the testbed's check timing, so a new app's route fits one.
      `--spare-check-interval-ms=${TEST_HEALTH.intervalMs}`,
      `--spare-check-rise=${TEST_HEALTH.rise}`,
      `--spare-check-fall=${TEST_HEALTH.fall}`,
      ...(this.opts.flags ?? []),
    ];
    this.child = spawnLogged(process.execPath, [...entry, ...flags], this.logFile, { cwd: REPO });
    await waitUntil(
      `agent ${this.id} status endpoint`,
      20_000,
      async () => {
        if (!this.running) throw new Error(`agent ${this.id} exited; see ${this.logFile}`);
        const res = await fetch(`http://127.0.0.1:${this.httpPort}/status`);
        return res.ok ? true : undefined;
      },
      50,
    );
  }

  /** The agent's own view (GET /status). */
  async status(): Promise<Record<string, unknown>> {
    const res = await fetch(`http://127.0.0.1:${this.httpPort}/status`, {
      signal: AbortSignal.timeout(5000),
    });
    return (await res.json()) as Record<string, unknown>;
  }

  async metrics(): Promise<string> {
    const res = await fetch(`http://127.0.0.1:${this.httpPort}/metrics`, {
      signal: AbortSignal.timeout(5000),
    });
    return res.text();
  }

  /** Stops only the agent (SIGTERM, or SIGKILL for a crash); HAProxy keeps serving. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    if (this.child?.pid !== undefined && this.running) await killPid(this.child.pid, signal);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Pid of the HAProxy master (which leads the process group of its workers), if one was started. */
  haproxyPid(): number | undefined {
    const pid = readPidFile(haproxyPaths(this.stateDir).pidFile);
    if (pid === undefined) return undefined;
    trackGroup(pid);
    this.haproxyGroups.add(pid);
    return pid;
  }

  /** Stops the agent and its HAProxy: master and workers, even if the master already died. */
  async destroy(): Promise<void> {
    await this.stop();
    this.haproxyPid();
    await Promise.all([...this.haproxyGroups].map((g) => killGroup(g, "SIGTERM")));
    rmSync(this.dir, { recursive: true, force: true });
  }

  logs(): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, "utf8") : "";
  }
}
