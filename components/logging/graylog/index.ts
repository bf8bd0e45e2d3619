export { Graylog } from "./graylog";
export { buildConfiguratorBundle, type ConfiguratorBundle } from "./bundle";
export { GRAYLOG_MONGODB_USER, graylogRoutedPorts, graylogSettingsFromConfig } from "./fromConfig";
export type * from "./types";
