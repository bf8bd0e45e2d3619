export { EtcdCluster, type EtcdClusterArgs } from "./cluster";
export { planMembers, memberName, etcdZoneName, type MemberPlan } from "./placement";
export {
  renderEtcdEnvironment,
  etcdSettings,
  etcdVariable,
  type EtcdConfigInput,
  type PeerSpec,
} from "./render/config";
export { ETCD_HOST, TLS_FILES, MEMBER_CN } from "./render/layout";
export {
  etcdIdentities,
  agentIdentity,
  agentIdPrefix,
  REGISTRAR,
  DEPLOYER,
  BACKUP,
  type EtcdIdentity,
} from "./access";
export { etcdRelease, ETCD_RELEASES } from "./releases";
