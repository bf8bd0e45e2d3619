/**
 * switchyard:logging:Graylog — the read side of the logging stack: OpenSearch (StatefulSet on
 * gp3, one node per zone) as the search backend, Graylog (StatefulSet: each node keeps its
 * message journal on its own gp3 volume), its state in a database on the MongoDB replica set, and
 * the configurator Job that creates the GELF Kafka input, the stream and the index set through
 * Graylog's REST API, and the security Job that applies OpenSearch's security files with
 * securityadmin.sh whenever they change. Secrets are generated here once and kept in Pulumi state, so every update
 * renders the same password_secret and root password (docs/logging.md, "Graylog").
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { platformServiceLabels, type PlatformServiceArgs } from "../../apps";
import { createCa, createLeafCert } from "../../common/pki";
import { CONFIGURATOR_BUNDLE_KEY } from "./bundle";
import { shortDigest } from "../../common/digest";
import { graylogDesiredState, renderDesiredState } from "./desired";
import {
  DESIRED_STATE_FILE,
  GRAYLOG_HEALTH_PATH,
  GRAYLOG_PORT,
  GRAYLOG_ROUTE_APP,
  IMAGES,
  OPENSEARCH_HTTP_PORT,
  OPENSEARCH_TRANSPORT_PORT,
  SECRET_KEYS,
  SERVICE_NAMES,
  labelsFor,
} from "./layout";
import { graylogNetworkPolicies } from "./network";
import {
  GRAYLOG_SEARCH_USER,
  OPENSEARCH_ADMIN_FILES,
  OPENSEARCH_SUBJECTS,
  OPENSEARCH_TLS_FILES,
  OPENSEARCH_YML,
  SECURITY_FILES,
  graylogOpenSearchUrl,
  openSearchDnsNames,
  publicSecurityFiles,
  renderInternalUsers,
  renderOpenSearchYml,
  securityConfigDigest,
} from "./opensearchSecurity";
import { rootPasswordSha2 } from "./secrets";
import {
  configuratorJobSpec,
  graylogStatefulSetSpec,
  openSearchSecurityJobSpec,
  openSearchStatefulSetSpec,
} from "./specs";
import type { GraylogArgs } from "./types";

/** The configurator runs on the same pinned Node.js image as the registrar. */
const CONFIGURATOR_IMAGE = "node:20.20.2-alpine3.22";

export class Graylog extends pulumi.ComponentResource {
  /** In-cluster URL of the web interface and REST API. */
  readonly url: pulumi.Output<string>;
  /** How people reach Graylog: its routed URL, or the port-forward command. */
  readonly access: pulumi.Output<string>;
  /** Secret: the root (admin) password, for the first sign-in and break-glass access. */
  readonly rootPassword: pulumi.Output<string>;
  /** With a host: Graylog as a platform service for a PlatformRoute (the HAProxy tier). */
  readonly service?: PlatformServiceArgs;

  constructor(name: string, args: GraylogArgs, opts?: pulumi.ComponentResourceOptions) {
    super("switchyard:logging:Graylog", name, {}, opts);
    const ns = pulumi.output(args.namespace);
    const meta = (component: string, extra: { name?: string } = {}) => ({
      namespace: args.namespace,
      labels: labelsFor(component),
      ...extra,
    });

    // Generated once; their state is the only source, so no update can rotate them by accident.
    const passwordSecret = new random.RandomPassword(
      `${name}-password-secret`,
      { length: 96, special: false },
      { parent: this },
    ).result;
    const rootPassword = new random.RandomPassword(
      `${name}-root-password`,
      { length: 32, special: false },
      { parent: this },
    ).result;

    // OpenSearch's own CA, its nodes' certificate (HTTP and transport), the security admin's
    // certificate and Graylog's internal user (docs/logging.md, "OpenSearch: TLS and sign-in").
    const searchCa = createCa(`${name}-opensearch`, this);
    const searchNode = createLeafCert(
      `${name}-opensearch-node`,
      searchCa,
      { commonName: OPENSEARCH_SUBJECTS.node.commonName, dnsNames: ns.apply(openSearchDnsNames) },
      this,
    );
    const searchAdmin = createLeafCert(
      `${name}-opensearch-admin`,
      searchCa,
      { commonName: OPENSEARCH_SUBJECTS.admin.commonName },
      this,
    );
    const searchPassword = new random.RandomPassword(
      `${name}-opensearch-password`,
      { length: 32, special: false },
      { parent: this },
    );
    const internalUsers = searchPassword.bcryptHash.apply(renderInternalUsers);
    const searchNodeSecret = new k8s.core.v1.Secret(
      `${name}-opensearch-node`,
      {
        metadata: meta("opensearch"),
        type: "Opaque",
        stringData: pulumi.secret({
          [OPENSEARCH_TLS_FILES.ca]: searchCa.cert.certPem,
          [OPENSEARCH_TLS_FILES.cert]: searchNode.cert.certPem,
          // The security plugin reads PKCS #8 keys only.
          [OPENSEARCH_TLS_FILES.key]: searchNode.key.privateKeyPemPkcs8,
          [SECURITY_FILES.internalUsers]: internalUsers,
        }),
      },
      { parent: this },
    );
    // For securityadmin.sh only: mounted by the security Job below, by no OpenSearch or Graylog pod.
    const searchAdminSecret = new k8s.core.v1.Secret(
      `${name}-opensearch-admin`,
      {
        metadata: meta("opensearch-admin"),
        type: "Opaque",
        stringData: pulumi.secret({
          [OPENSEARCH_ADMIN_FILES.ca]: searchCa.cert.certPem,
          [OPENSEARCH_ADMIN_FILES.cert]: searchAdmin.cert.certPem,
          [OPENSEARCH_ADMIN_FILES.key]: searchAdmin.key.privateKeyPemPkcs8,
        }),
      },
      { parent: this },
    );
    const searchConfigFiles = {
      [OPENSEARCH_YML]: renderOpenSearchYml({ nodes: args.search.nodes }),
      ...publicSecurityFiles(),
    };
    const searchConfig = new k8s.core.v1.ConfigMap(
      `${name}-opensearch-config`,
      { metadata: meta("opensearch"), data: searchConfigFiles },
      { parent: this },
    );
    const opensearchHosts = pulumi
      .all([ns, searchPassword.result])
      .apply(([n, password]) => graylogOpenSearchUrl(n, GRAYLOG_SEARCH_USER, password));

    const serverSecretData = pulumi
      .all([
        passwordSecret,
        rootPassword,
        args.mongodb.uri,
        args.mongodb.caCertPem,
        opensearchHosts,
        searchCa.cert.certPem,
      ])
      .apply(([pepper, root, uri, ca, searchHosts, searchCaPem]) => ({
        [SECRET_KEYS.passwordSecret]: pepper,
        [SECRET_KEYS.rootPassword]: root,
        [SECRET_KEYS.rootPasswordSha2]: rootPasswordSha2(root),
        [SECRET_KEYS.mongodbUri]: uri,
        [SECRET_KEYS.mongodbCa]: ca,
        [SECRET_KEYS.opensearchHosts]: searchHosts,
        [SECRET_KEYS.opensearchCa]: searchCaPem,
      }));
    const secret = new k8s.core.v1.Secret(
      `${name}-server`,
      { metadata: meta("graylog"), type: "Opaque", stringData: pulumi.secret(serverSecretData) },
      { parent: this },
    );
    // Graylog reads its Secret only at start: the pod template carries its digest, so a rotated
    // OpenSearch password or a new CA rolls the pods in the same `pulumi up`. 40 bits of a SHA-256
    // over random passwords and URLs: nothing to recover a password from.
    const serverDigest = pulumi.unsecret(
      serverSecretData.apply((d) => shortDigest(...Object.entries(d).sort().flat())),
    );

    this.service = args.host
      ? {
          app: GRAYLOG_ROUTE_APP,
          host: args.host,
          namespace: { key: "logging", name: args.namespace },
          port: GRAYLOG_PORT,
          healthCheckPath: GRAYLOG_HEALTH_PATH,
        }
      : undefined;
    const service = (
      id: string,
      component: string,
      port: { name: string; port: number }[],
      headless: boolean,
      extraLabels: Record<string, string> = {},
    ) =>
      new k8s.core.v1.Service(
        `${name}-${id}`,
        {
          metadata: { ...meta(component, { name: id }), labels: { ...labelsFor(component), ...extraLabels } },
          spec: {
            selector: labelsFor(component),
            ports: port.map((p) => ({ name: p.name, port: p.port, targetPort: p.name, protocol: "TCP" })),
            ...(headless ? { clusterIP: "None", publishNotReadyAddresses: true } : {}),
          },
        },
        { parent: this },
      );
    const searchPorts = [
      { name: "http", port: OPENSEARCH_HTTP_PORT },
      { name: "transport", port: OPENSEARCH_TRANSPORT_PORT },
    ];
    const searchServices = [
      service(SERVICE_NAMES.opensearchPods, "opensearch", searchPorts, true),
      service(SERVICE_NAMES.opensearch, "opensearch", [searchPorts[0]], false),
    ];
    const graylogServices = [
      service(SERVICE_NAMES.graylogPods, "graylog", [{ name: "http", port: GRAYLOG_PORT }], true),
      // The registrar registers the pods behind this labelled Service as the route's members.
      service(
        SERVICE_NAMES.graylog,
        "graylog",
        [{ name: "http", port: GRAYLOG_PORT }],
        false,
        this.service ? platformServiceLabels(this.service.app) : {},
      ),
    ];

    for (const [id, policy] of Object.entries(graylogNetworkPolicies())) {
      new k8s.networking.v1.NetworkPolicy(
        `${name}-${id}`,
        { metadata: meta(id), spec: policy },
        { parent: this },
      );
    }
    for (const [id, component] of [
      ["opensearch", "opensearch"],
      ["server", "graylog"],
    ]) {
      new k8s.policy.v1.PodDisruptionBudget(
        `${name}-${id}`,
        {
          metadata: meta(component),
          spec: { maxUnavailable: 1, selector: { matchLabels: labelsFor(component) } },
        },
        { parent: this },
      );
    }

    const opensearch = new k8s.apps.v1.StatefulSet(
      `${name}-opensearch`,
      {
        metadata: meta("opensearch", { name: "opensearch" }),
        spec: pulumi
          .all([searchConfig.metadata.name, searchNodeSecret.metadata.name, searchNode.cert.certPem])
          .apply(([configMap, nodeSecret, certPem]) =>
            openSearchStatefulSetSpec({
              image: IMAGES.opensearch,
              nodes: args.search.nodes,
              storageGiB: args.search.storageGiB,
              storageClass: args.storageClass,
              resources: args.search.resources,
              configMap,
              nodeSecret,
              // The files are read at start only: new settings or a renewed certificate roll the pods.
              configDigest: shortDigest(JSON.stringify(searchConfigFiles), certPem),
            }),
          ),
      },
      // The claim template cannot change in place; a new size is a volume expansion (docs/logging.md).
      { parent: this, dependsOn: searchServices, ignoreChanges: ["spec.volumeClaimTemplates"] },
    );

    // The security index follows the files: securityadmin.sh with the admin certificate applies
    // them after every change (the plugin reads them itself only when it creates the index). The
    // annotation carries their digest and the admin certificate's, so a rotated password or a
    // changed role runs it again in the same `pulumi up`; a finished Job is replaced, never patched.
    const securityDigest = pulumi
      .all([internalUsers, searchAdmin.cert.certPem])
      .apply(([users, adminCert]) =>
        securityConfigDigest({ ...publicSecurityFiles(), [SECURITY_FILES.internalUsers]: users }, adminCert),
      );
    const searchSecurity = new k8s.batch.v1.Job(
      `${name}-opensearch-security`,
      {
        metadata: {
          ...meta("opensearch-security"),
          // A truncated SHA-256 of a salted bcrypt hash among other files: nothing to guess a password from.
          annotations: { "switchyard.io/security-digest": pulumi.unsecret(securityDigest) },
        },
        spec: pulumi
          .all([
            ns,
            searchConfig.metadata.name,
            searchNodeSecret.metadata.name,
            searchAdminSecret.metadata.name,
          ])
          .apply(([namespace, configMap, nodeSecret, adminSecret]) =>
            openSearchSecurityJobSpec({
              image: IMAGES.opensearch,
              namespace,
              configMap,
              nodeSecret,
              adminSecret,
            }),
          ),
      },
      {
        parent: this,
        dependsOn: [opensearch],
        deleteBeforeReplace: true,
        replaceOnChanges: ["metadata.annotations", "spec"],
      },
    );

    const externalUri = args.host ? `https://${args.host}/` : `http://localhost:${GRAYLOG_PORT}/`;
    const graylog = new k8s.apps.v1.StatefulSet(
      `${name}-server`,
      {
        metadata: meta("graylog", { name: "graylog" }),
        spec: pulumi
          .all([secret.metadata.name, args.kafka.clusterCaSecret, serverDigest])
          .apply(([secretName, kafkaCaSecret, configDigest]) =>
            graylogStatefulSetSpec({
              configDigest,
              image: IMAGES.graylog,
              replicas: args.replicas,
              journalGiB: args.journalGiB,
              storageClass: args.storageClass,
              resources: args.resources,
              secret: secretName,
              kafkaCaSecret,
              externalUri,
            }),
          ),
      },
      {
        parent: this,
        // After the security Job: Graylog signs in with the password the index now holds.
        dependsOn: [opensearch, searchSecurity, ...graylogServices],
        ignoreChanges: ["spec.volumeClaimTemplates"],
      },
    );

    // The configurator: what it applies and its code in one ConfigMap (no secret in either); the
    // Job's name carries their digest, so any change runs it again (a Job's pod spec is immutable).
    const desired = pulumi.output(args.kafka.bootstrapServers).apply((bootstrapServers) =>
      renderDesiredState(
        graylogDesiredState({
          retentionDays: args.retentionDays,
          searchNodes: args.search.nodes,
          graylogReplicas: args.replicas,
          kafka: { ...args.kafka, bootstrapServers },
        }),
      ),
    );
    const configuratorFiles = new k8s.core.v1.ConfigMap(
      `${name}-configurator`,
      {
        metadata: meta("graylog-configurator"),
        data: { [DESIRED_STATE_FILE]: desired, [CONFIGURATOR_BUNDLE_KEY]: args.configuratorBundle.source },
      },
      { parent: this },
    );
    this.url = ns.apply((n) => `http://${SERVICE_NAMES.graylog}.${n}.svc.cluster.local:${GRAYLOG_PORT}`);
    new k8s.batch.v1.Job(
      `${name}-configurator`,
      {
        metadata: {
          ...meta("graylog-configurator"),
          annotations: {
            "switchyard.io/configurator-digest": desired.apply((d) =>
              shortDigest(d, args.configuratorBundle.sha256),
            ),
          },
        },
        spec: pulumi
          .all([
            configuratorFiles.metadata.name,
            secret.metadata.name,
            args.kafka.credentialsSecret,
            this.url,
          ])
          .apply(([configMap, secretName, kafkaUserSecret, graylogUrl]) =>
            configuratorJobSpec({
              image: CONFIGURATOR_IMAGE,
              configMap,
              secret: secretName,
              kafkaUserSecret,
              graylogUrl,
            }),
          ),
      },
      {
        parent: this,
        dependsOn: [graylog],
        deleteBeforeReplace: true,
        // A new digest is a new run: the finished Job is replaced, never patched.
        replaceOnChanges: ["metadata.annotations", "spec"],
      },
    );

    this.rootPassword = pulumi.secret(rootPassword);
    this.access = ns.apply((n) =>
      args.host
        ? externalUri
        : `kubectl -n ${n} port-forward svc/${SERVICE_NAMES.graylog} ${GRAYLOG_PORT}:${GRAYLOG_PORT}`,
    );
    this.registerOutputs({ url: this.url, access: this.access });
  }
}
