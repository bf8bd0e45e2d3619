/**
 * OpenSearch with its security plugin on: TLS on the REST layer (Graylog → OpenSearch) and on the
 * transport layer (node ↔ node), certificates from our own CA (components/common/pki.ts), and one
 * internal user for Graylog whose bcrypt hash is the `bcryptHash` of its `random.RandomPassword`.
 * Everything here is a pure function of names and hashes, so the tests read exactly what the pods
 * get. Setting names are the security plugin's (opensearch-project/security, 2.x:
 * `plugins.security.ssl.*`, `plugins.security.nodes_dn`, `plugins.security.authcz.admin_dn`,
 * `plugins.security.allow_default_init_securityindex`); the files' `_meta` types and
 * `config_version: 2` are those of its config/ directory. See docs/logging.md, "OpenSearch: TLS
 * and sign-in".
 */
import { stringify } from "yaml";
import { shortDigest } from "../../common/digest";
import { OPENSEARCH_HTTP_PORT, SERVICE_NAMES } from "./layout";

/** The subjects of the two certificates the cluster trusts by DN (createLeafCert adds O=switchyard). */
export const OPENSEARCH_SUBJECTS = {
  /** Every node's certificate (one for the StatefulSet): listed in `plugins.security.nodes_dn`. */
  node: { commonName: "opensearch-node", organization: "switchyard" },
  /** The security admin (securityadmin.sh): listed in `plugins.security.authcz.admin_dn`, mounted by the security Job only. */
  admin: { commonName: "opensearch-admin", organization: "switchyard" },
} as const;

/** The internal user Graylog signs in as (its role: `GRAYLOG_ROLE`). */
export const GRAYLOG_SEARCH_USER = "graylog";
export const GRAYLOG_ROLE = "graylog";

/** OpenSearch's home (and working directory) in the official image. */
export const OPENSEARCH_HOME = "/usr/share/opensearch";
/** OpenSearch's configuration directory in the official image; TLS files must lie under it. */
export const OPENSEARCH_CONFIG_DIR = `${OPENSEARCH_HOME}/config`;
/** The security plugin's configuration files (read once, when it creates its index). */
export const OPENSEARCH_SECURITY_DIR = `${OPENSEARCH_CONFIG_DIR}/opensearch-security`;
/** Where the node Secret's TLS files are mounted, and their names there. */
export const OPENSEARCH_CERTS_DIR = "certs";
export const OPENSEARCH_TLS_FILES = { ca: "ca.crt", cert: "node.crt", key: "node.key" } as const;
/** Keys of the admin certificate's Secret (the security Job's, and the break-glass command's). */
export const OPENSEARCH_ADMIN_FILES = { ca: "ca.crt", cert: "admin.crt", key: "admin.key" } as const;
/** Where the security Job mounts the admin Secret (outside config/: no OpenSearch node reads it). */
export const OPENSEARCH_ADMIN_DIR = "/etc/opensearch-admin";
/** The security plugin's own tool (opensearch-project/security, tools/securityadmin.sh) in the image. */
export const SECURITY_ADMIN_SCRIPT = `${OPENSEARCH_HOME}/plugins/opensearch-security/tools/securityadmin.sh`;

export const SECURITY_FILES = {
  config: "config.yml",
  internalUsers: "internal_users.yml",
  roles: "roles.yml",
  rolesMapping: "roles_mapping.yml",
} as const;

/**
 * The DN as the security plugin compares it (RFC 2253, most specific first), for a certificate
 * whose subject @pulumi/tls (and `openssl req -subj /O=…/CN=…`) writes as O then CN.
 */
export function distinguishedName(subject: { commonName: string; organization: string }): string {
  return `CN=${subject.commonName},O=${subject.organization}`;
}

/**
 * The names the node certificate is valid for: the ClusterIP Service Graylog uses (every form a
 * resolver search list completes), and every pod behind the headless Service (a wildcard, so a
 * larger cluster needs no new certificate).
 */
export function openSearchDnsNames(namespace: string): string[] {
  const forms = (host: string) => [
    host,
    `${host}.${namespace}`,
    `${host}.${namespace}.svc`,
    `${host}.${namespace}.svc.cluster.local`,
  ];
  return [
    ...forms(SERVICE_NAMES.opensearch),
    ...forms(SERVICE_NAMES.opensearchPods),
    `*.${SERVICE_NAMES.opensearchPods}.${namespace}.svc`,
    `*.${SERVICE_NAMES.opensearchPods}.${namespace}.svc.cluster.local`,
  ];
}

/** The host Graylog indexes into: the ClusterIP Service's full name (in the certificate). */
export function openSearchServiceHost(namespace: string): string {
  return `${SERVICE_NAMES.opensearch}.${namespace}.svc.cluster.local`;
}

/**
 * Graylog's `elasticsearch_hosts`: https, the credentials in the URL's user info (Graylog's
 * documented form; it reads them decoded, as java.net.URI#getUserInfo does). The generated
 * password has no special characters; anything else is percent-encoded rather than mangled.
 */
export function graylogOpenSearchUrl(namespace: string, username: string, password: string): string {
  const userInfo = `${encodeURIComponent(username)}:${encodeURIComponent(password)}`;
  return `https://${userInfo}@${openSearchServiceHost(namespace)}:${OPENSEARCH_HTTP_PORT}`;
}

/**
 * securityadmin.sh's arguments (SecurityAdmin.java in security 2.15.0.0): upload the security
 * directory (-cd; it requires config, roles, roles_mapping, internal_users, action_groups, tenants
 * and whitelist, takes nodes_dn, allowlist and audit when present: the image's defaults beside our
 * four, the same set the plugin loaded at first start) to the ClusterIP Service over HTTPS (-h/-p; the REST
 * client, 9200 since 2.x), as the admin certificate (-cert/-key: PEM, the key PKCS #8), trusting
 * only our CA (-cacert). No -nhnv: the host is the Service's full name, which is in the node
 * certificate's SANs, so Apache's DefaultHostnameVerifier checks it. -icl: since 2.x the cluster
 * name is only printed, and ours is not the default "opensearch". No --accept-red-cluster: it waits
 * for yellow (the security index must be writable), and no -ff, so it keeps retrying a cluster
 * that is not yet healthy until the Job's deadline.
 */
export function securityAdminArgs(namespace: string): string[] {
  const admin = (file: string) => `${OPENSEARCH_ADMIN_DIR}/${file}`;
  return [
    "-cd",
    OPENSEARCH_SECURITY_DIR,
    "-icl",
    "-h",
    openSearchServiceHost(namespace),
    "-p",
    String(OPENSEARCH_HTTP_PORT),
    "-cacert",
    admin(OPENSEARCH_ADMIN_FILES.ca),
    "-cert",
    admin(OPENSEARCH_ADMIN_FILES.cert),
    "-key",
    admin(OPENSEARCH_ADMIN_FILES.key),
  ];
}

/**
 * What the security Job uploads and who it is: our security files (internal_users.yml included)
 * and the admin certificate. A rotated password, a changed role or a renewed admin certificate
 * gives a new digest, so the Job runs again; nothing else does.
 */
export function securityConfigDigest(files: Record<string, string>, adminCertPem: string): string {
  const names = Object.keys(files).sort();
  return shortDigest(...names.flatMap((n) => [n, files[n]]), adminCertPem);
}

/** Pod names of the OpenSearch StatefulSet: the initial cluster-manager nodes. */
export const openSearchPodNames = (nodes: number): string[] =>
  Array.from({ length: nodes }, (_, i) => `opensearch-${i}`);

export interface OpenSearchYmlInput {
  /** OpenSearch nodes (StatefulSet replicas), every one cluster-manager eligible. */
  nodes: number;
}

/** The whole opensearch.yml (it replaces the image's): cluster settings and the security plugin's. */
export function openSearchSettings(i: OpenSearchYmlInput): Record<string, unknown> {
  const file = (name: string) => `${OPENSEARCH_CERTS_DIR}/${name}`;
  return {
    "cluster.name": "switchyard-graylog",
    "discovery.seed_hosts": SERVICE_NAMES.opensearchPods,
    "cluster.initial_cluster_manager_nodes": openSearchPodNames(i.nodes),
    "network.host": "0.0.0.0",
    // Graylog creates its indices itself, with its own templates.
    "action.auto_create_index": false,
    // No vm.max_map_count tuning (a privileged init container): niofs instead of mmapfs.
    "node.store.allow_mmap": false,
    // Node to node: mutual TLS, trusted by CA and by DN. Pods connect by IP, which changes with
    // every reschedule, so no hostname check on this layer (the DN list is the identity check).
    "plugins.security.ssl.transport.pemcert_filepath": file(OPENSEARCH_TLS_FILES.cert),
    "plugins.security.ssl.transport.pemkey_filepath": file(OPENSEARCH_TLS_FILES.key),
    "plugins.security.ssl.transport.pemtrustedcas_filepath": file(OPENSEARCH_TLS_FILES.ca),
    "plugins.security.ssl.transport.enforce_hostname_verification": false,
    // Clients (Graylog): HTTPS only; a client certificate is optional (the admin's, for securityadmin.sh).
    "plugins.security.ssl.http.enabled": true,
    "plugins.security.ssl.http.pemcert_filepath": file(OPENSEARCH_TLS_FILES.cert),
    "plugins.security.ssl.http.pemkey_filepath": file(OPENSEARCH_TLS_FILES.key),
    "plugins.security.ssl.http.pemtrustedcas_filepath": file(OPENSEARCH_TLS_FILES.ca),
    "plugins.security.ssl.http.clientauth_mode": "OPTIONAL",
    "plugins.security.nodes_dn": [distinguishedName(OPENSEARCH_SUBJECTS.node)],
    "plugins.security.authcz.admin_dn": [distinguishedName(OPENSEARCH_SUBJECTS.admin)],
    // On the first start the plugin creates its index from config/opensearch-security (ours);
    // no securityadmin.sh run and no admin credential in any pod is needed for that.
    "plugins.security.allow_default_init_securityindex": true,
    "plugins.security.allow_unsafe_democertificates": false,
  };
}

export const renderOpenSearchYml = (i: OpenSearchYmlInput): string => stringify(openSearchSettings(i));

/** A bcrypt hash as the security plugin reads it ($2a$, $2b$ or $2y$, cost, 22+31 characters). */
export const BCRYPT_HASH = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;

const meta = (type: string) => ({ _meta: { type, config_version: 2 } });

/** internal_users.yml: Graylog's user only (the image's demo users are gone with the file it replaces). */
export function renderInternalUsers(graylogHash: string): string {
  if (!BCRYPT_HASH.test(graylogHash)) throw new Error("the OpenSearch user's hash must be a bcrypt hash");
  return stringify({
    ...meta("internalusers"),
    [GRAYLOG_SEARCH_USER]: {
      hash: graylogHash,
      reserved: true,
      description: "Graylog (switchyard): indexes and searches",
    },
  });
}

/**
 * Graylog's role: everything on the cluster's indices and cluster actions (it creates and deletes
 * its indices, templates and aliases, and index sets choose their prefixes at run time), but not
 * the security plugin's REST API (open only to the roles `plugins.security.restapi.roles_enabled`
 * names, which we do not set, and to the admin certificate) nor the security index, which only
 * the admin certificate may write.
 */
export function renderRoles(): string {
  return stringify({
    ...meta("roles"),
    [GRAYLOG_ROLE]: {
      reserved: true,
      cluster_permissions: ["cluster_all"],
      index_permissions: [{ index_patterns: ["*"], allowed_actions: ["indices_all"] }],
    },
  });
}

export function renderRolesMapping(): string {
  return stringify({
    ...meta("rolesmapping"),
    [GRAYLOG_ROLE]: { reserved: true, users: [GRAYLOG_SEARCH_USER] },
  });
}

/** config.yml: HTTP Basic against the internal users, nothing anonymous. */
export function renderSecurityConfig(): string {
  return stringify({
    ...meta("config"),
    config: {
      dynamic: {
        http: { anonymous_auth_enabled: false },
        authc: {
          basic_internal_auth_domain: {
            description: "HTTP Basic against the internal users",
            http_enabled: true,
            transport_enabled: true,
            order: 0,
            http_authenticator: { type: "basic", challenge: true },
            authentication_backend: { type: "intern" },
          },
        },
      },
    },
  });
}

/** The security files that hold no secret (the ConfigMap); internal_users.yml goes in the Secret. */
export const PUBLIC_SECURITY_FILES = [
  SECURITY_FILES.config,
  SECURITY_FILES.roles,
  SECURITY_FILES.rolesMapping,
];

export function publicSecurityFiles(): Record<string, string> {
  return {
    [SECURITY_FILES.config]: renderSecurityConfig(),
    [SECURITY_FILES.roles]: renderRoles(),
    [SECURITY_FILES.rolesMapping]: renderRolesMapping(),
  };
}

/** The ConfigMap key of opensearch.yml. */
export const OPENSEARCH_YML = "opensearch.yml";
