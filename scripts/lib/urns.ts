/**
 * Resource identity across a refactoring: the URNs a plan's resources answer to, their current URN
 * and every URN their `aliases` (or a parent's aliases) resolve to, as the engine matches them
 * against the state. A URN of an earlier plan missing from this set would be deleted and created
 * anew by `pulumi up`.
 */
import { urnType, type PlannedResource } from "./evaluate";

/** `urn:pulumi:<stack>::<project>` of a URN. */
function parts(urn: string): { prefix: string } {
  const [scheme, project] = urn.split("::");
  return { prefix: `${scheme}::${project}` };
}

/** Every URN each resource answers to, keyed by its current URN. */
export function knownUrns(resources: PlannedResource[]): Map<string, Set<string>> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const known = new Map<string, Set<string>>();
  const resolve = (r: PlannedResource): Set<string> => {
    const hit = known.get(r.urn);
    if (hit) return hit;
    const urns = new Set([r.urn, ...r.options.aliases]);
    const parent = r.parent ? byUrn.get(r.parent) : undefined;
    // A child moves with its parent: under each of the parent's former URNs it had the URN the
    // engine derives from that parent's type chain.
    if (parent) {
      for (const former of resolve(parent)) {
        if (former === parent.urn) continue;
        urns.add(`${parts(former).prefix}::${urnType(former, r.type)}::${r.name}`);
      }
    }
    known.set(r.urn, urns);
    return urns;
  };
  for (const r of resources) resolve(r);
  return known;
}

export interface UrnComparison {
  /** Earlier URNs no current resource answers to: `pulumi up` would delete them. */
  lost: string[];
  /** Current URNs the earlier plan did not have (new resources). */
  added: string[];
}

export function compareUrns(earlier: string[], resources: PlannedResource[]): UrnComparison {
  const known = knownUrns(resources);
  const answered = new Set([...known.values()].flatMap((s) => [...s]));
  const before = new Set(earlier);
  return {
    lost: earlier.filter((u) => !answered.has(u)).sort(),
    added: [...known.entries()]
      .filter(([, urns]) => ![...urns].some((u) => before.has(u)))
      .map(([urn]) => urn)
      .sort(),
  };
}
