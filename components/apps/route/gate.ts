/**
 * What the agents' status records say about one route, as pure decisions: is the target colour
 * healthy on every live agent (the gate before a flip), and has every live agent applied our write
 * (the verification window after it). Reasons are kept per agent so a failed `pulumi up` says which
 * HAProxy host refused and why.
 */
import type { AgentStatus, Colour } from "../../../model/etcd/schema";

/** A status record as read from etcd: parsed, or the parse error (fails closed). */
export type AgentReport = { agentId: string; status?: AgentStatus; error?: string };

export interface Verdict {
  /** Every live agent agrees. */
  ok: boolean;
  /** One line per agent that does not agree yet. */
  reasons: string[];
}

function verdict(reasons: string[]): Verdict {
  return { ok: reasons.length === 0, reasons };
}

const NO_AGENTS = "no live agent reports status; refusing to flip without a single HAProxy host confirming";

/** Gate before a flip: every live agent sees at least minHealthy servers UP in the target colour. */
export function healthGate(reports: AgentReport[], app: string, target: Colour, minHealthy: number): Verdict {
  if (reports.length === 0) return verdict([NO_AGENTS]);
  const reasons: string[] = [];
  for (const r of reports) {
    if (!r.status) {
      reasons.push(`agent ${r.agentId}: unreadable status (${r.error})`);
      continue;
    }
    const health = r.status.backends[`${app}/${target}`];
    if (!health) reasons.push(`agent ${r.agentId}: has no ${target} backend for ${app}`);
    else if (health.up < minHealthy)
      reasons.push(
        `agent ${r.agentId}: ${target} has ${health.up} of ${minHealthy} required servers UP (${health.total} configured)`,
      );
  }
  return verdict(reasons);
}

/**
 * Verification after a write at `revision`: every live agent reports the route at that revision
 * (or later) as live on `target`, and sees at least minHealthy of the target's servers UP (an agent
 * reports a host it already points at as live even when no server answers). Nothing here is
 * final: an agent that refused (its view of the colour's health dipped) flips by itself once health
 * recovers, so the caller waits out the window. With `allowNoAgents` (a first publish, nothing to
 * protect yet) an empty fleet passes.
 */
export function confirmation(
  reports: AgentReport[],
  route: { host: string; app: string; target: Colour; minHealthy: number },
  revision: number,
  allowNoAgents = false,
): Verdict {
  if (reports.length === 0) return allowNoAgents ? verdict([]) : verdict([NO_AGENTS]);
  const { host, target } = route;
  const reasons: string[] = [];
  for (const r of reports) {
    if (!r.status) {
      reasons.push(`agent ${r.agentId}: unreadable status (${r.error})`);
      continue;
    }
    const seen = r.status.routes[host];
    const up = r.status.backends[`${route.app}/${target}`]?.up ?? 0;
    if (!seen || seen.modRevision < revision) {
      reasons.push(
        `agent ${r.agentId}: has not applied revision ${revision} of ${host} (reports ${seen ? seen.modRevision : "nothing"})`,
      );
    } else if (seen.state === "refused") {
      reasons.push(`agent ${r.agentId}: ${seen.reason ?? "refused"}`);
    } else if (seen.state !== "live" || seen.liveColour !== target) {
      reasons.push(
        `agent ${r.agentId}: ${seen.state}, serving ${seen.liveColour ?? "nothing"}${seen.reason ? ` (${seen.reason})` : ""}`,
      );
    } else if (up < route.minHealthy) {
      reasons.push(
        `agent ${r.agentId}: serves ${target} with ${up} of ${route.minHealthy} required servers UP`,
      );
    }
  }
  return verdict(reasons);
}
