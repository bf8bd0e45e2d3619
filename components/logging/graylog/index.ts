export { Graylog } from "./graylog";
export { buildConfiguratorBundle, type ConfiguratorBundle } from "./bundle";
export { GRAYLOG_MONGODB_USER, graylogSettingsFromConfig } from "./fromConfig";
export type * from "./types";
