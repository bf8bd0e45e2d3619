/**
 * Ports that more than one side relies on: security groups and rendered configs in the Pulumi
 * program, defaults in the host programs. One definition each.
 */

/** etcd's client API (mTLS): agents, the registrar, Route resources and deploy runners. */
export const ETCD_CLIENT_PORT = 2379;
/** etcd member-to-member traffic. */
export const ETCD_PEER_PORT = 2380;
/** The port HAProxy serves traffic on; the ELB forwards to it and health-checks HEALTHZ_PATH there. */
export const EDGE_TRAFFIC_PORT = 80;
/**
 * HAProxy answers every request here `301` to the same URL on https: the load balancer sends
 * plain-HTTP port 80 to it when TLS terminates on the load balancer (an NLB cannot redirect).
 */
export const EDGE_REDIRECT_PORT = 8081;
/** switchyard-agent's status, metrics and health endpoint (loopback only: no authentication). */
export const AGENT_STATUS_PORT = 9180;
/** switchyard-registrar's status, metrics and health endpoint (the kubelet probes it). */
export const REGISTRAR_HTTP_PORT = 9181;
/** MySQL/MariaDB clients and replication; the Kubernetes nodes' egress and the hosts' ingress. */
export const MYSQL_PORT = 3306;
/** MongoDB clients and replica-set members. */
export const MONGODB_PORT = 27017;
