/**
 * The public entry of the `@switchyard/contract` package that app teams install: the stack
 * contract (types, `requireStackExports`) and the pieces of a team's own blue-green stack
 * (`BlueGreenService`, its etcd connection from the platform's secret). Only these modules are
 * compiled into the package, so it never pulls in the platform's own components.
 */
export * from "./exports";
export { requireStackExports, type StackOutputs } from "./reference";
export { BlueGreenService } from "../apps/blueGreenService";
export { etcdConnectionFromSecret } from "../apps/etcdCredentials";
export type { BlueGreenServiceArgs, EtcdConnectionArgs } from "../apps/types";
export { COLOURS, defaultPreviewHost, isColour, otherColour, type Colour } from "../../model/validators";
