export { Monitoring } from "./monitoring";
export { monitoringArgsFromConfig, monitoringRoutedPorts, HOST_SOURCES, type HostRole } from "./fromConfig";
export type * from "./types";
