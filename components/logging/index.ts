export { Logging } from "./logging";
export { loggingArgsFromConfig } from "./fromConfig";
export {
  GRAYLOG_MONGODB_USER,
  buildConfiguratorBundle,
  graylogRoutedPorts,
  graylogSettingsFromConfig,
} from "./graylog";
export { LOG_FORMAT, KAFKA_SASL_MECHANISM } from "./types";
export type * from "./types";
