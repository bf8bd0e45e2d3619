export { Graylog } from "./graylog";
export { buildConfiguratorBundle, type ConfiguratorBundle } from "./bundle";
export type * from "./types";
