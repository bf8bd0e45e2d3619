export { Cluster, type ClusterArgs } from "./cluster";
export { databaseClientPorts } from "./network/rules";
export { PLATFORM_NAMESPACES, type PlatformNamespace } from "./baseline/render";
export { DEFAULT_STORAGE_CLASS } from "./baseline/storage";
export { createServiceAccountRole, type ServiceAccountRoleArgs } from "./controlPlane/serviceAccountRole";
