/**
 * What a route takes for itself: its host, its preview host and its app's backends. Two routes
 * must not claim the same host (as host or preview host), nor route one app with different
 * backends. The agent admits routes oldest first (etcd create revision) through one RouteClaims, so
 * a newcomer can never evict a route that is serving; the Route resource asks the same question
 * before it writes, so `pulumi up` refuses a conflicting record instead of having it rejected.
 */
import type { Route } from "./schema";

const sameBackends = (a: Route, b: Route) => JSON.stringify(a.backends) === JSON.stringify(b.backends);

export class RouteClaims {
  /** Host or preview host → the route that claims it. */
  private readonly hosts = new Map<string, Route>();
  private readonly apps = new Map<string, Route>();

  /** Why `route` cannot be admitted next to the (other) routes added so far, or undefined if it can. */
  conflict(route: Route): string | undefined {
    const owner = this.hosts.get(route.host);
    if (owner) {
      return `host ${route.host} is already the previewHost of route ${owner.host}`;
    }
    if (route.previewHost) {
      const p = this.hosts.get(route.previewHost);
      if (p) {
        return p.host === route.previewHost
          ? `previewHost ${route.previewHost} is already routed as a host`
          : `previewHost ${route.previewHost} is already the previewHost of route ${p.host}`;
      }
    }
    const first = this.apps.get(route.app);
    if (first && !sameBackends(first, route)) {
      return `app ${route.app} is already routed by ${first.host} with different backends`;
    }
    return undefined;
  }

  add(route: Route): void {
    this.hosts.set(route.host, route);
    if (route.previewHost) this.hosts.set(route.previewHost, route);
    if (!this.apps.has(route.app)) this.apps.set(route.app, route);
  }
}
