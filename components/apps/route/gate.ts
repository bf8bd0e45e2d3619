/**
 * What the agents' status records say about one route, as pure decisions: is the target colour
 * healthy on every live agent (the gate before a flip), and has every live agent applied our write
 * (the verification window after it). Reasons are kept per agent so a failed `pulumi up` says which
 * HAProxy host refused and why.
 */
import type { AgentStatus, Colour } from "../../../agent/src/schema";

/** A status record as read from etcd: parsed, or the parse error (fails closed). */
export type AgentReport = { agentId: string; status?: AgentStatus; error?: string };

export interface Verdict {
  /** Every live agent agrees. */
  ok: boolean;
  /** Some agent gave a final "no" (waiting longer will not help). */
  final: boolean;
  /** One line per agent that does not agree yet. */
  reasons: string[];
}

function verdict(reasons: string[], final: boolean): Verdict {
  return { ok: reasons.length === 0, final, reasons };
}

const NO_AGENTS = "no live agent reports status; refusing to flip without a single HAProxy host confirming";

/** Gate before a flip: every live agent sees at least minHealthy servers UP in the target colour. */
export function healthGate(reports: AgentReport[], app: string, target: Colour, minHealthy: number): Verdict {
  if (reports.length === 0) return verdict([NO_AGENTS], false);
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
  return verdict(reasons, false);
}

/**
 * Verification after a write at `revision`: every live agent reports the route at that revision
 * (or later) as live on `target`. A refusal at our revision is final; anything else may still
 * converge. With `allowNoAgents` (a first publish, nothing to protect yet) an empty fleet passes.
 */
export function confirmation(
  reports: AgentReport[],
  host: string,
  target: Colour,
  revision: number,
  allowNoAgents = false,
): Verdict {
  if (reports.length === 0) return allowNoAgents ? verdict([], false) : verdict([NO_AGENTS], false);
  const reasons: string[] = [];
  let final = false;
  for (const r of reports) {
    if (!r.status) {
      reasons.push(`agent ${r.agentId}: unreadable status (${r.error})`);
      continue;
    }
    const route = r.status.routes[host];
    if (!route || route.modRevision < revision) {
      reasons.push(
        `agent ${r.agentId}: has not applied revision ${revision} of ${host} (reports ${route ? route.modRevision : "nothing"})`,
      );
    } else if (route.state === "refused") {
      final = true;
      reasons.push(`agent ${r.agentId}: ${route.reason ?? "refused"}`);
    } else if (route.state !== "live" || route.liveColour !== target) {
      reasons.push(
        `agent ${r.agentId}: ${route.state}, serving ${route.liveColour ?? "nothing"}${route.reason ? ` (${route.reason})` : ""}`,
      );
    }
  }
  return verdict(reasons, final);
}
