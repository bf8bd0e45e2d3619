export { MysqlCluster, MYSQL_SERVICES, type MysqlClusterArgs } from "./mysql/cluster";
export { DatabaseNetwork, type DatabaseNetworkArgs } from "./network";
export { DataMember } from "./member";
export { planDataMembers, dataZoneName, type DataMemberPlan } from "./placement";
export { MongoReplicaSet, MONGODB_SERVICES, type MongoReplicaSetArgs } from "./mongodb/cluster";
