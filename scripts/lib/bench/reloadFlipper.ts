/**
 * The baseline bench:routing compares the agent with: confd's way of flipping. On every change of
 * the route in etcd it rewrites each HAProxy's hosts map and reloads that HAProxy (master-worker,
 * seamless), which the agent does only for structural changes. It drives the HAProxies the agents
 * left running (stopped agents leave HAProxy serving), so both paths are measured on the same
 * processes, configuration and load; nothing of it ships in the agent.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Etcd3, Watcher } from "etcd3";
import { haproxyPaths } from "../../../model/haproxy";
import { renderMap } from "../../../model/haproxyConfig";
import { parseRoute, routeKey } from "../../../model/etcd/schema";
import type { Colour, Route } from "../../../model/etcd/schema";
import { backendName } from "../../../hosts/agent/desired";
import { boundNames } from "../../../hosts/agent/haproxy/layout";
import type { Layout } from "../../../hosts/agent/haproxy/layout";
import { parseMap } from "../../../hosts/agent/haproxy/parse";
import { reloadHaproxy } from "../../../hosts/agent/haproxy/process";
import { runtimeCommands } from "../../../hosts/agent/haproxy/runtime";

function writeAtomic(path: string, content: string): void {
  writeFileSync(`${path}.tmp`, content);
  renameSync(`${path}.tmp`, path);
}

/** Rewrites one HAProxy's map for `route` and reloads it, keeping server state across the reload. */
async function rewriteAndReload(stateDir: string, route: Route): Promise<void> {
  const paths = haproxyPaths(stateDir);
  const names = boundNames(JSON.parse(readFileSync(join(stateDir, "layout.json"), "utf8")) as Layout);
  const backend = (c: Colour) => names.get(backendName(route.app, c)) ?? backendName(route.app, c);
  const map = parseMap(readFileSync(paths.map, "utf8"));
  map.set(route.host, backend(route.liveColour));
  if (route.previewHost) map.set(route.previewHost, backend(route.liveColour === "blue" ? "green" : "blue"));
  writeAtomic(paths.map, renderMap(map));
  const [state] = await runtimeCommands(paths.adminSocket, ["show servers state"]);
  writeAtomic(paths.serverState, state);
  // Right after a reload the master re-executes itself and its CLI refuses connections for a moment;
  // the agent retries a failed apply, and so does this loop (for at most 5 s).
  for (let attempt = 1; ; attempt++) {
    try {
      await reloadHaproxy(paths);
      return;
    } catch (e) {
      if (attempt >= 50 || !/ECONNREFUSED|ENOENT/.test(String(e))) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export class ReloadFlipper {
  private watcher?: Watcher;
  /** One change at a time, the newest last, like confd's loop. */
  private chain: Promise<void> = Promise.resolve();
  errors: string[] = [];

  private constructor(private readonly stateDirs: string[]) {}

  /** Watches the route of `host` and applies every new value to the HAProxies of `stateDirs`. */
  static async start(client: Etcd3, host: string, stateDirs: string[]): Promise<ReloadFlipper> {
    const flipper = new ReloadFlipper(stateDirs);
    flipper.watcher = await client.watch().key(routeKey(host)).create();
    flipper.watcher.on("put", (kv) => {
      const parsed = parseRoute(kv.value, host);
      if (!parsed.ok) {
        flipper.errors.push(parsed.error.message);
        return;
      }
      flipper.chain = flipper.chain.then(() => flipper.apply(parsed.value));
    });
    return flipper;
  }

  private async apply(route: Route): Promise<void> {
    try {
      await Promise.all(this.stateDirs.map((dir) => rewriteAndReload(dir, route)));
    } catch (e) {
      this.errors.push(String(e));
    }
  }

  async stop(): Promise<void> {
    await this.watcher?.cancel();
    await this.chain;
  }
}
