export { Monitoring } from "./monitoring";
export { monitoringArgsFromConfig, HOST_SOURCES, type HostRole } from "./fromConfig";
export type * from "./types";
