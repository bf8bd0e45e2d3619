export { Cluster, type ClusterArgs } from "./cluster";
export { databaseClientPorts } from "./network/rules";
export { PLATFORM_NAMESPACES, type PlatformNamespace } from "./baseline/render";
