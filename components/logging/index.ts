export { Logging } from "./logging";
export { loggingArgsFromConfig } from "./fromConfig";
export { LOG_FORMAT, KAFKA_SASL_MECHANISM } from "./types";
export type * from "./types";
