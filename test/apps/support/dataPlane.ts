/**
 * A release-shaped wrapper around the agent's testbed: backends and members for both colours of an
 * app, but no route — publishing the route is the Route provider's job. Shared by the Route's
 * data-plane tests and `npm run demo`.
 */
import { memberKey, serializeMember } from "../../../model/etcd/schema";
import { startBackend } from "../../../hosts/testbed";
import type { Backend, Testbed } from "../../../hosts/testbed";
import type { Colour } from "../../../model/validators";
import type { RouteInputs } from "../../../components/apps/route/operations";

export const HEALTH_PATH = "/health";

/** Starts `replicas` backends per colour, publishes them as members, and registers the app with the testbed. */
export async function deployColours(
  bed: Testbed,
  app: string,
  host: string,
  replicas = 1,
): Promise<Record<Colour, Backend[]>> {
  const backends: Record<Colour, Backend[]> = { blue: [], green: [] };
  for (const colour of ["blue", "green"] as const) {
    for (let i = 0; i < replicas; i++) backends[colour].push(await startBackend(colour, HEALTH_PATH));
    await setMembers(bed, app, colour, backends[colour]);
  }
  // The testbed's setHealthy() and stop() work on the apps it knows; `route` is what the agents will read.
  bed.apps.set(app, {
    backends,
    route: {
      host,
      app,
      liveColour: "blue",
      backends: {
        blue: {
          port: backends.blue[0].port,
          healthCheck: { path: HEALTH_PATH, intervalMs: 200, rise: 2, fall: 2 },
        },
        green: {
          port: backends.green[0].port,
          healthCheck: { path: HEALTH_PATH, intervalMs: 200, rise: 2, fall: 2 },
        },
      },
      minHealthy: 1,
    },
  });
  return backends;
}

/**
 * Points a colour's members m1..mN at these backends, as the endpoints of a colour change when its
 * Deployment rolls out new pods.
 */
export async function setMembers(
  bed: Testbed,
  app: string,
  colour: Colour,
  backends: Backend[],
): Promise<void> {
  for (const [i, b] of backends.entries()) {
    await bed.etcd.client
      .put(memberKey(app, colour, `m${i + 1}`))
      .value(serializeMember({ address: "127.0.0.1", port: b.port }));
  }
}

export async function closeBackends(backends: Record<Colour, Backend[]>): Promise<void> {
  await Promise.allSettled([...backends.blue, ...backends.green].map((b) => b.close()));
}

/** Route provider inputs for the testbed's etcd (plain HTTP on loopback, no client certificate). */
export function routeInputs(
  bed: Testbed,
  backends: Record<Colour, Backend[]>,
  o: {
    app: string;
    host: string;
    live: Colour;
    minHealthy?: number;
    previewHost?: string;
    gate?: Partial<RouteInputs["gate"]>;
  },
): RouteInputs {
  return {
    host: o.host,
    app: o.app,
    live: o.live,
    backends: {
      blue: { port: backends.blue[0].port, healthCheckPath: HEALTH_PATH },
      green: { port: backends.green[0].port, healthCheckPath: HEALTH_PATH },
    },
    minHealthy: o.minHealthy ?? 1,
    ...(o.previewHost ? { previewHost: o.previewHost } : {}),
    etcd: { endpoints: bed.etcd.endpoints },
    gate: { healthTimeoutMs: 15_000, verifyTimeoutMs: 15_000, pollMs: 50, smokeCheckUrls: [], ...o.gate },
  };
}
