export { EtcdCluster, type EtcdClusterArgs } from "./cluster";
export { planMembers, memberName, etcdZoneName, type MemberPlan } from "./placement";
export {
  renderEtcdEnvironment,
  etcdSettings,
  etcdVariable,
  type EtcdConfigInput,
  type PeerSpec,
} from "./render/config";
export { ETCD_HOST, TLS_FILES, MEMBER_CN, CLIENT_CN } from "./render/layout";
export { etcdRelease, ETCD_RELEASES } from "./releases";
