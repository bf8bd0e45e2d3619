/** The whole stack configuration: one object per area under the `switchyard` namespace. */
import { z } from "zod";
import { appsSchema } from "./areas/apps";
import { databasesSchema } from "./areas/databases";
import { edgeSchema } from "./areas/edge";
import { etcdSchema } from "./areas/etcd";
import { kubernetesSchema } from "./areas/kubernetes";
import { networkSchema } from "./areas/network";
import { loggingSchema } from "./areas/logging";
import { monitoringSchema } from "./areas/observability";
import { reviewSchema } from "./areas/review";

/** Object-valued keys, one per area (`switchyard:network`, ...). */
export const areaSchemas = {
  network: networkSchema,
  edge: edgeSchema,
  etcd: etcdSchema,
  kubernetes: kubernetesSchema,
  databases: databasesSchema,
  logging: loggingSchema,
  monitoring: monitoringSchema,
  apps: appsSchema,
  review: reviewSchema,
} as const;

/** Scalar keys; also declared with type, description and default in Pulumi.yaml. */
export const scalarSchemas = {
  environment: z.enum(["production", "staging", "development"]).default("development"),
  owner: z
    .string()
    .regex(/^[A-Za-z0-9 ._-]{1,64}$/, { error: "expected a team name (letters, digits, . _ -)" })
    .default("platform"),
} as const;

export type AreaName = keyof typeof areaSchemas;
export type ScalarName = keyof typeof scalarSchemas;

export type SwitchyardConfig = { [K in AreaName]: z.infer<(typeof areaSchemas)[K]> } & {
  [K in ScalarName]: z.infer<(typeof scalarSchemas)[K]>;
} & {
  /** From `aws:region`. */
  region: string;
  /** Resolved AZ names, `network.availabilityZones` or the first azCount letters of the region. */
  availabilityZones: string[];
};
