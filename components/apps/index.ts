export { BlueGreenService } from "./blueGreenService";
export { defaultPreviewHost } from "../../model/validators";
export { appArgsFromConfig } from "./fromConfig";
export { AppSpecError, appSpecProblems } from "./validate";
export { planColours, isWarm } from "./colourPlan";
export type { ColourPlan, ColourRole } from "./colourPlan";
export { Route } from "./route/route";
export type { RouteArgs } from "./route/route";
export type * from "./types";
export { etcdConnectionFromSecret } from "./etcdCredentials";
export type { EtcdClientSecretArgs } from "./etcdCredentials";
export { MemberRegistrar } from "./registrar/registrar";
export type { MemberRegistrarArgs } from "./registrar/registrar";
export { buildRegistrarBundle, describeRegistrarBundle } from "./registrar/bundle";
export type { RegistrarBundle } from "./registrar/bundle";
export {
  PlatformRoute,
  platformRoute,
  platformServiceLabels,
  registrarNamespaces,
} from "./platform/platformRoute";
export type { PlatformRouteArgs, PlatformServiceArgs } from "./platform/platformRoute";
