/**
 * Refuses an app that would run without health checks or resource limits. Stack config is already
 * validated by zod, but app teams call the component from their own code (often with values read
 * from their config), so the component checks again and names the app and every missing field.
 */
import { isColour, isHttpPath, isPort, isValidHostname } from "../../model/validators";
import type { BlueGreenServiceArgs } from "./types";

export class AppSpecError extends Error {
  constructor(
    readonly app: string,
    readonly problems: string[],
  ) {
    super(`app ${app} cannot be deployed: ${problems.join("; ")}`);
    this.name = "AppSpecError";
  }
}

const CPU_RE = /^(\d+m|\d+(\.\d+)?)$/;
const MEMORY_RE = /^\d+(Ki|Mi|Gi|Ti|k|M|G|T)?$/;

function quantityProblems(value: unknown, field: string, re: RegExp): string[] {
  if (value === undefined || value === null || value === "") return [`missing ${field}`];
  return typeof value === "string" && re.test(value)
    ? []
    : [`${field} ${JSON.stringify(value)} is not a quantity`];
}

function countProblems(value: unknown, field: string, min: number): string[] {
  if (value === undefined) return [`missing ${field}`];
  return Number.isInteger(value) && (value as number) >= min ? [] : [`${field} must be an integer >= ${min}`];
}

/** Every problem of the spec, in field order; empty when the app may be built. */
export function appSpecProblems(args: Partial<BlueGreenServiceArgs>): string[] {
  const p: string[] = [];
  if (!args.healthCheckPath) p.push("missing healthCheckPath (readiness and liveness probes need it)");
  else if (!isHttpPath(args.healthCheckPath))
    p.push(`healthCheckPath ${JSON.stringify(args.healthCheckPath)} is not a URL path`);
  if (args.port === undefined) p.push("missing port (probes and Services need it)");
  else if (!isPort(args.port)) p.push(`port ${JSON.stringify(args.port)} is not a port number`);
  if (!args.host || !isValidHostname(args.host))
    p.push(`host ${JSON.stringify(args.host)} is not a DNS name`);
  if (args.previewHost !== undefined && !isValidHostname(args.previewHost))
    p.push(`previewHost ${JSON.stringify(args.previewHost)} is not a DNS name`);
  for (const alias of args.aliases ?? [])
    if (!isValidHostname(alias))
      p.push(`alias ${JSON.stringify(alias)} is not an exact DNS name (routes have no wildcards)`);
  if (!isColour(args.live)) p.push(`live must be "blue" or "green", got ${JSON.stringify(args.live)}`);
  for (const colour of ["blue", "green"] as const) {
    const spec = args[colour];
    if (!spec) {
      p.push(`missing ${colour}`);
      continue;
    }
    if (!spec.image) p.push(`missing ${colour}.image`);
    p.push(...countProblems(spec.replicas, `${colour}.replicas`, 1));
  }
  const r = args.resources;
  for (const kind of ["requests", "limits"] as const) {
    p.push(...quantityProblems(r?.[kind]?.cpu, `resources.${kind}.cpu`, CPU_RE));
    p.push(...quantityProblems(r?.[kind]?.memory, `resources.${kind}.memory`, MEMORY_RE));
  }
  p.push(...countProblems(args.minHealthy, "minHealthy", 1));
  if (isColour(args.live) && args[args.live] && Number(args.minHealthy) > Number(args[args.live]?.replicas))
    p.push(`minHealthy ${args.minHealthy} exceeds ${args.live}.replicas ${args[args.live]?.replicas}`);
  const a = args.autoscaling;
  if (a) {
    p.push(...countProblems(a.minReplicas, "autoscaling.minReplicas", 1));
    if (!(a.maxReplicas >= a.minReplicas))
      p.push("autoscaling.maxReplicas must be >= autoscaling.minReplicas");
  }
  if (args.idleReplicas !== undefined) p.push(...countProblems(args.idleReplicas, "idleReplicas", 0));
  if (args.scaleDownDelaySeconds !== undefined)
    p.push(...countProblems(args.scaleDownDelaySeconds, "scaleDownDelaySeconds", 0));
  return p;
}

/** Throws an AppSpecError naming the app and every problem. */
export function assertDeployable(
  app: string,
  args: Partial<BlueGreenServiceArgs>,
): asserts args is BlueGreenServiceArgs {
  const problems = appSpecProblems(args);
  if (problems.length > 0) throw new AppSpecError(app, problems);
}
