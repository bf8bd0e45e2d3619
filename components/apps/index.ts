export { BlueGreenService, defaultPreviewHost } from "./blueGreenService";
export { appArgsFromConfig } from "./fromConfig";
export { AppSpecError, appSpecProblems } from "./validate";
export { planColours, isWarm } from "./colourPlan";
export type { ColourPlan, ColourRole } from "./colourPlan";
export { Route } from "./route/route";
export type { RouteArgs } from "./route/route";
export type * from "./types";
