/**
 * Classifies the change between two offline plans the way `pulumi preview --diff` would: create,
 * update (with the changed input keys), replace, delete. Replacement is decided from the
 * providers' own rules (replacementRules.json: which input paths force a new resource), the
 * resource's `replaceOnChanges`, and propagation: a replaced resource gets a new id, so every input
 * that refers to that id changes too. `ignoreChanges` keys are left out (and reported as ignored).
 * A replace or delete of a protected or stateful resource is blocked unless the stack allows it
 * by name (`switchyard:review.allowDestroy`).
 */
import type { PlannedResource } from "../evaluate";
import rules from "./replacementRules.json";

export interface KeyChange {
  urn: string;
  keys: string[];
}

export interface Blocked {
  urn: string;
  action: "replace" | "delete";
  reason: string;
}

export interface PlanDiff {
  create: string[];
  update: KeyChange[];
  replace: string[];
  /** The keys that forced each replacement (same order as `replace`). */
  replaceKeys: KeyChange[];
  delete: string[];
  /** Replaces and deletes of protected or stateful resources that the stack does not allow. */
  blocked: string[];
  blockedDetail: Blocked[];
  /** Changes the program tells Pulumi to ignore (`ignoreChanges`): they do not apply until rolled. */
  ignored: KeyChange[];
  /** Changed resources whose type has no replacement rules here: shown as updates, flagged. */
  unmodelled: string[];
}

type Rule = { forceNew: string[]; forceNewIf?: Record<string, string> };

/** Types whose replacement or deletion loses data or identity: blocked like protected ones. */
const STATEFUL_TYPES = new Set([
  "aws:ebs/volume:Volume",
  "aws:s3/bucket:Bucket",
  "aws:s3/bucketV2:BucketV2",
  "aws:eks/cluster:Cluster",
  "aws:kms/key:Key",
  "aws:rds/instance:Instance",
  "aws:route53/zone:Zone",
]);

function ruleFor(type: string): Rule | undefined {
  const aws = (rules.aws as Record<string, Rule>)[type];
  if (aws) return aws;
  const dynamic = (rules.dynamic as Record<string, Rule>)[type];
  if (dynamic) return dynamic;
  const k8s = /^kubernetes:(.+)$/.exec(type);
  if (k8s && !type.startsWith("kubernetes:helm")) {
    const kinds = rules.kubernetes.kinds as Record<string, string[]>;
    return { forceNew: [...rules.kubernetes.allKinds, ...(kinds[k8s[1]] ?? [])] };
  }
  return undefined;
}

/** Stable JSON: object keys sorted, so two plans compare by value. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(value) ?? "undefined";
}

/** The values at a path (`a.b`, `a[*].b`); arrays of values where the path fans out. */
function valuesAt(value: unknown, path: string): unknown {
  const [head, ...rest] = path.split(".");
  const fan = head.endsWith("[*]");
  const key = fan ? head.slice(0, -3) : head;
  const next = value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  if (rest.length === 0) return next;
  if (fan) return Array.isArray(next) ? next.map((v) => valuesAt(v, rest.join("."))) : undefined;
  return valuesAt(next, rest.join("."));
}

function without(inputs: Record<string, unknown>, paths: string[]): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(inputs)) as Record<string, unknown>;
  for (const p of paths) {
    const parts = p.split(".");
    let at: Record<string, unknown> | undefined = copy;
    for (const part of parts.slice(0, -1))
      at = at && typeof at[part] === "object" ? (at[part] as Record<string, unknown>) : undefined;
    if (at) delete at[parts[parts.length - 1]];
  }
  return copy;
}

function changedKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((k) => canonical(a[k]) !== canonical(b[k]))
    .sort();
}

/** Mock ids are `${name}-id`: a replaced resource's id "changes", so does every input holding it. */
function holdsAny(value: unknown, tokens: Set<string>): boolean {
  if (typeof value === "string") return tokens.has(value);
  if (Array.isArray(value)) return value.some((v) => holdsAny(v, tokens));
  if (value && typeof value === "object") return Object.values(value).some((v) => holdsAny(v, tokens));
  return false;
}

export function isStateful(r: PlannedResource): boolean {
  return r.options.protect || r.options.retainOnDelete || STATEFUL_TYPES.has(r.type);
}

/** Whether `allow` (resource names or URNs from the stack file) names this resource. */
function allowed(r: PlannedResource, allow: readonly string[]): boolean {
  return allow.includes(r.urn) || allow.includes(r.name);
}

export function classify(
  base: readonly PlannedResource[],
  next: readonly PlannedResource[],
  allow: readonly string[] = [],
  /** URNs or names replaced on request, as `pulumi up --replace` does (how etcd members roll). */
  forceReplace: readonly string[] = [],
): PlanDiff {
  const before = new Map(base.map((r) => [r.urn, r]));
  const after = new Map(next.map((r) => [r.urn, r]));
  const create = next.filter((r) => !before.has(r.urn)).map((r) => r.urn);
  const del = base.filter((r) => !after.has(r.urn)).map((r) => r.urn);

  // Names that identify one custom resource, so `${name}-id` points at it alone.
  const nameCount = new Map<string, number>();
  for (const r of next) if (r.custom) nameCount.set(r.name, (nameCount.get(r.name) ?? 0) + 1);

  const changes = new Map<string, string[]>();
  const ignored: KeyChange[] = [];
  for (const r of next) {
    const old = before.get(r.urn);
    if (!old || !r.custom) continue;
    const ignore = r.options.ignoreChanges;
    const all = changedKeys(old.inputs, r.inputs);
    const effective = changedKeys(without(old.inputs, ignore), without(r.inputs, ignore));
    const skipped = all.filter((k) => !effective.includes(k));
    if (skipped.length > 0) ignored.push({ urn: r.urn, keys: skipped });
    if (effective.length > 0) changes.set(r.urn, effective);
  }

  const replaceKeys = new Map<string, string[]>();
  for (const r of next)
    if (r.custom && before.has(r.urn) && (forceReplace.includes(r.urn) || forceReplace.includes(r.name)))
      replaceKeys.set(r.urn, ["--replace"]);
  const forcing = (r: PlannedResource, old: PlannedResource, keys: string[], replacedIds: Set<string>) => {
    const rule = ruleFor(r.type);
    const paths = [...(rule?.forceNew ?? []), ...r.options.replaceOnChanges];
    const hits = paths.filter(
      (p) =>
        keys.includes(p.split(".")[0].replace("[*]", "")) &&
        (canonical(valuesAt(old.inputs, p)) !== canonical(valuesAt(r.inputs, p)) ||
          holdsAny(valuesAt(r.inputs, p), replacedIds)),
    );
    for (const [key, flag] of Object.entries(rule?.forceNewIf ?? {}))
      if (keys.includes(key) && r.inputs[flag] === true) hits.push(key);
    return [...new Set(hits)].sort();
  };

  // Replacements propagate through ids until nothing new is replaced.
  for (let grew = true; grew;) {
    grew = false;
    const replacedIds = new Set(
      [...replaceKeys.keys()]
        .map((urn) => after.get(urn)!)
        .filter((r) => nameCount.get(r.name) === 1)
        .map((r) => `${r.name}-id`),
    );
    for (const r of next) {
      if (!r.custom || replaceKeys.has(r.urn)) continue;
      const old = before.get(r.urn);
      if (!old) continue;
      const keys = new Set(changes.get(r.urn) ?? []);
      for (const [k, v] of Object.entries(r.inputs))
        if (!r.options.ignoreChanges.includes(k) && holdsAny(v, replacedIds)) keys.add(k);
      if (keys.size === 0) continue;
      changes.set(r.urn, [...keys].sort());
      const hits = forcing(r, old, [...keys], replacedIds);
      if (hits.length > 0) {
        replaceKeys.set(r.urn, hits);
        grew = true;
      }
    }
  }

  const update: KeyChange[] = [];
  const unmodelled: string[] = [];
  for (const [urn, keys] of changes) {
    if (replaceKeys.has(urn)) continue;
    update.push({ urn, keys });
    const r = after.get(urn)!;
    if (!ruleFor(r.type) && !r.type.startsWith("pulumi:providers:")) unmodelled.push(urn);
  }

  const blockedDetail: Blocked[] = [];
  for (const urn of replaceKeys.keys()) {
    const r = after.get(urn)!;
    if (isStateful(r) && !allowed(r, allow))
      blockedDetail.push({ urn, action: "replace", reason: statefulReason(r, replaceKeys.get(urn)!) });
  }
  for (const urn of del) {
    const r = before.get(urn)!;
    if (r.custom && isStateful(r) && !allowed(r, allow))
      blockedDetail.push({ urn, action: "delete", reason: statefulReason(r) });
  }

  const byUrn = (a: string, b: string) => a.localeCompare(b);
  return {
    create: create.sort(byUrn),
    update: update.sort((a, b) => byUrn(a.urn, b.urn)),
    replace: [...replaceKeys.keys()].sort(byUrn),
    replaceKeys: [...replaceKeys.entries()]
      .map(([urn, keys]) => ({ urn, keys }))
      .sort((a, b) => byUrn(a.urn, b.urn)),
    delete: del.sort(byUrn),
    blocked: blockedDetail.map((b) => b.urn).sort(byUrn),
    blockedDetail: blockedDetail.sort((a, b) => byUrn(a.urn, b.urn)),
    ignored: ignored.sort((a, b) => byUrn(a.urn, b.urn)),
    unmodelled: unmodelled.sort(byUrn),
  };
}

function statefulReason(r: PlannedResource, keys?: string[]): string {
  const why = r.options.protect
    ? "protected"
    : r.options.retainOnDelete
      ? "retained (holds data)"
      : "stateful";
  return keys ? `${why}; replaced because ${keys.join(", ")} changed` : `${why}; removed from the program`;
}

export function isEmpty(d: PlanDiff): boolean {
  return d.create.length + d.update.length + d.replace.length + d.delete.length === 0;
}
