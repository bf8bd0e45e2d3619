/**
 * Lists every configuration key path the schema accepts (`switchyard:network.flowLogs.retentionDays`,
 * `switchyard:apps.<name>.host`), so documentation can be checked against the schema.
 */
import type { z } from "zod";
import { areaSchemas, scalarSchemas } from "./schema";

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  valueType?: z.ZodType;
  /** A transform's input schema (zod pipes). */
  in?: z.ZodType;
}

const def = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

function leafPaths(schema: z.ZodType, prefix: string): string[] {
  const d = def(schema);
  switch (d.type) {
    case "default":
    case "prefault":
    case "optional":
      return leafPaths(d.innerType!, prefix);
    case "object":
      return Object.entries(d.shape!).flatMap(([key, child]) => leafPaths(child, `${prefix}.${key}`));
    case "pipe":
      return leafPaths(d.in!, prefix);
    case "record":
      return leafPaths(d.valueType!, `${prefix}.<name>`);
    default:
      return [prefix];
  }
}

export function listConfigKeys(): string[] {
  return [
    ...Object.entries(areaSchemas).flatMap(([area, schema]) => leafPaths(schema, `switchyard:${area}`)),
    ...Object.keys(scalarSchemas).map((k) => `switchyard:${k}`),
  ];
}
