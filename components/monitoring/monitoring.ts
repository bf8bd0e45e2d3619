/**
 * switchyard:monitoring:Monitoring: InfluxDB (StatefulSet on gp3), the node and cluster
 * Telegrafs, and Grafana provisioned with datasources, dashboards and alert rules from files this
 * component renders. Every credential is generated here, kept as a Pulumi secret and reaches pods
 * through Secrets only.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { renderGrafanaContent } from "./render/content";
import { grafanaIni, renderIni } from "./render/grafanaIni";
import { renderInfluxConfig, renderInfluxSetupScript } from "./render/influxdb";
import {
  grafanaSnsStatement,
  hasContactPoints,
  renderContactPoints,
  renderDatasources,
} from "./render/provisioning";
import {
  clusterTelegrafSpec,
  grafanaDeploymentSpec,
  influxdbStatefulSetSpec,
  influxSecretKey,
  influxSetupJobSpec,
  labelsFor,
  nodeTelegrafSpec,
} from "./render/specs";
import {
  clusterTelegrafRules,
  nodeTelegrafRules,
  renderClusterTelegraf,
  renderNodeTelegraf,
} from "./render/telegraf";

import {
  DATABASES,
  DATASOURCE_UIDS,
  GRAFANA_HEALTH_PATH,
  GRAFANA_PORT,
  GRAFANA_ROUTE_APP,
  GRAFANA_SERVICE_ACCOUNT,
  IMAGES,
  INFLUX_USERS,
  INFLUXDB_PORT,
  INFLUXDB_TLS,
  SERVICE_NAMES,
  influxHostUrl,
  influxServiceDnsNames,
  influxServiceUrl,
  type InfluxUser,
} from "./layout";
import type { MonitoringArgs } from "./types";
import { TELEGRAF_HOST, type HostMetricsTarget } from "../common/host/telegraf";
import { createHostEndpoint } from "./hostEndpoint";
import { createCa, createLeafCert } from "../common/pki";
import { shortDigest } from "../common/digest";
import { platformServiceLabels, type PlatformServiceArgs } from "../apps";
import { createServiceAccountRole } from "../kubernetes";

/** The Kubernetes collectors: the cluster Telegraf (inventory) and each node's (kubelet). */
const KUBERNETES_SOURCES = [
  {
    id: "kube-inventory-pods",
    measurement: "kubernetes_pod_container",
    field: "restarts_total",
    label: "kube_inventory pods",
  },
  {
    id: "kube-inventory-nodes",
    measurement: "kubernetes_node",
    field: "status_condition",
    label: "kube_inventory nodes",
  },
  {
    id: "kubelet",
    measurement: "kubernetes_pod_container",
    field: "memory_working_set_bytes",
    label: "kubelet",
  },
] as const;

export class Monitoring extends pulumi.ComponentResource {
  /** In-cluster InfluxDB URL, HTTPS (apps write their own metrics here). */
  readonly influxUrl: pulumi.Output<string>;
  /** The CA InfluxDB's certificate is signed by: what its clients trust. */
  readonly influxCaCertPem: pulumi.Output<string>;
  /** The apps' database and its write-only user. */
  readonly appsDatabase: string;
  readonly appsWriteUsername: string;
  /** Secret. */
  readonly appsWritePassword: pulumi.Output<string>;
  /** Secret: the password of the write-only telegraf user the hosts' Telegrafs write with. */
  readonly telegrafPassword: pulumi.Output<string>;
  /** Where the EC2 hosts' Telegrafs write (with a hostEndpoint): URL, user, credentials secret. */
  readonly hostMetrics?: HostMetricsTarget;
  /** How to reach Grafana: its routed URL, or the port-forward command. */
  readonly grafanaAccess: pulumi.Output<string>;
  /** With `grafana.host`: Grafana as a platform service for a PlatformRoute (the HAProxy tier). */
  readonly grafanaService?: PlatformServiceArgs;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("switchyard:monitoring:Monitoring", name, {}, opts);
    const ns = pulumi.output(args.namespace);
    const meta = (component: string) => ({ namespace: args.namespace, labels: labelsFor(component) });

    const password = (user: string) =>
      new random.RandomPassword(`${name}-${user}`, { length: 32, special: false }, { parent: this }).result;
    const influxPasswords = Object.fromEntries(
      (Object.keys(INFLUX_USERS) as InfluxUser[]).map((u) => [u, password(`influxdb-${u}`)]),
    ) as Record<InfluxUser, pulumi.Output<string>>;
    const grafanaAdminPassword = password("grafana-admin");

    // The hosts' path to InfluxDB (an internal NLB), first: its name goes into the certificate.
    const hostDnsName = args.hostEndpoint
      ? createHostEndpoint(name, { ...args.hostEndpoint, namespace: args.namespace }, this)
      : undefined;

    // InfluxDB's certificate: the Service's names and the NLB's, from the monitoring CA; the key
    // reaches the pod in a Secret only.
    const ca = createCa(`${name}-influxdb`, this);
    const leaf = createLeafCert(
      `${name}-influxdb-tls`,
      ca,
      {
        commonName: `${SERVICE_NAMES.influxdb}.monitoring`,
        dnsNames: pulumi
          .all([ns, hostDnsName ?? ""])
          .apply(([n, lb]) => [...influxServiceDnsNames(n), ...(lb ? [lb] : [])]),
      },
      this,
    );
    const influxTls = new k8s.core.v1.Secret(
      `${name}-influxdb-tls`,
      {
        metadata: meta("influxdb"),
        type: "kubernetes.io/tls",
        stringData: pulumi.secret({
          [INFLUXDB_TLS.cert]: leaf.cert.certPem,
          [INFLUXDB_TLS.key]: leaf.key.privateKeyPem,
          [INFLUXDB_TLS.ca]: ca.cert.certPem,
        }),
      },
      { parent: this },
    );
    this.influxCaCertPem = ca.cert.certPem;

    // InfluxDB: credentials, configuration, the StatefulSet and its Service.
    const influxCredentials = new k8s.core.v1.Secret(
      `${name}-influxdb-credentials`,
      {
        metadata: meta("influxdb"),
        type: "Opaque",
        stringData: pulumi.secret(
          pulumi
            .all(influxPasswords)
            .apply((p) =>
              Object.fromEntries(Object.entries(p).map(([u, v]) => [influxSecretKey(u as InfluxUser), v])),
            ),
        ),
      },
      { parent: this },
    );
    const influxConfig = new k8s.core.v1.ConfigMap(
      `${name}-influxdb-config`,
      {
        metadata: meta("influxdb"),
        data: {
          "influxdb.conf": renderInfluxConfig({
            dataRoot: "/var/lib/influxdb",
            httpBind: `:${INFLUXDB_PORT}`,
            rpcBind: "127.0.0.1:8088",
            https: {
              certificate: `${INFLUXDB_TLS.dir}/${INFLUXDB_TLS.cert}`,
              privateKey: `${INFLUXDB_TLS.dir}/${INFLUXDB_TLS.key}`,
            },
          }),
        },
      },
      { parent: this },
    );
    const influxService = new k8s.core.v1.Service(
      `${name}-influxdb`,
      {
        metadata: { ...meta("influxdb"), name: SERVICE_NAMES.influxdb },
        spec: {
          selector: labelsFor("influxdb"),
          ports: [{ name: "http", port: INFLUXDB_PORT, targetPort: "http", protocol: "TCP" }],
        },
      },
      { parent: this },
    );
    const influxdb = new k8s.apps.v1.StatefulSet(
      `${name}-influxdb`,
      {
        metadata: meta("influxdb"),
        spec: pulumi
          .all([influxConfig.metadata.name, influxTls.metadata.name, influxConfig.data, leaf.cert.certPem])
          .apply(([configMap, tlsSecret, files, certPem]) =>
            influxdbStatefulSetSpec({
              image: IMAGES.influxdb,
              configMap,
              tlsSecret,
              configDigest: shortDigest(JSON.stringify(files), certPem),
              storageGiB: args.influxdb.storageGiB,
              storageClass: args.influxdb.storageClass,
            }),
          ),
      },
      // The claim template cannot change in place; a new size is a volume expansion (docs/monitoring.md).
      { parent: this, dependsOn: [influxService], ignoreChanges: ["spec.volumeClaimTemplates"] },
    );
    const setupScript = new k8s.core.v1.ConfigMap(
      `${name}-influxdb-setup`,
      {
        metadata: meta("influxdb-setup"),
        data: { "influx-setup": renderInfluxSetupScript({ retentionDays: args.influxdb.retentionDays }) },
      },
      { parent: this },
    );
    const influxHost = ns.apply((n) => `${SERVICE_NAMES.influxdb}.${n}.svc.cluster.local`);
    new k8s.batch.v1.Job(
      `${name}-influxdb-setup`,
      {
        metadata: meta("influxdb-setup"),
        spec: pulumi
          .all([
            setupScript.metadata.name,
            influxCredentials.metadata.name,
            influxTls.metadata.name,
            influxHost,
          ])
          .apply(([scriptConfigMap, credentialsSecret, tlsSecret, host]) =>
            influxSetupJobSpec({
              image: IMAGES.influxdb,
              scriptConfigMap,
              credentialsSecret,
              tlsSecret,
              influxHost: host,
              users: Object.keys(INFLUX_USERS) as InfluxUser[],
            }),
          ),
      },
      { parent: this, dependsOn: [influxdb], deleteBeforeReplace: true },
    );
    this.influxUrl = ns.apply(influxServiceUrl);

    // Telegraf: one per node (kubelet), one for the cluster (API inventory).
    const telegrafs = [
      {
        id: "node",
        render: renderNodeTelegraf,
        rules: nodeTelegrafRules(),
        resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "300m", memory: "256Mi" } },
      },
      {
        id: "cluster",
        render: renderClusterTelegraf,
        rules: clusterTelegrafRules(),
        resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
      },
    ] as const;
    for (const t of telegrafs) {
      const component = `telegraf-${t.id}`;
      const account = new k8s.core.v1.ServiceAccount(
        `${name}-${component}`,
        { metadata: meta(component) },
        { parent: this },
      );
      const role = new k8s.rbac.v1.ClusterRole(
        `${name}-${component}`,
        { metadata: { labels: labelsFor(component) }, rules: [...t.rules] },
        { parent: this },
      );
      new k8s.rbac.v1.ClusterRoleBinding(
        `${name}-${component}`,
        {
          metadata: { labels: labelsFor(component) },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
          subjects: [{ kind: "ServiceAccount", name: account.metadata.name, namespace: args.namespace }],
        },
        { parent: this },
      );
      const config = new k8s.core.v1.ConfigMap(
        `${name}-${component}`,
        { metadata: meta(component), data: { "telegraf.conf": this.influxUrl.apply((u) => t.render(u)) } },
        { parent: this },
      );
      const input = pulumi
        .all([
          config.metadata.name,
          account.metadata.name,
          influxCredentials.metadata.name,
          influxTls.metadata.name,
        ])
        .apply(([configMap, serviceAccountName, credentialsSecret, tlsSecret]) => ({
          image: IMAGES.telegraf,
          configMap,
          serviceAccountName,
          credentialsSecret,
          tlsSecret,
          resources: t.resources,
        }));
      if (t.id === "node") {
        new k8s.apps.v1.DaemonSet(
          `${name}-${component}`,
          { metadata: meta(component), spec: input.apply(nodeTelegrafSpec) },
          { parent: this },
        );
      } else {
        new k8s.apps.v1.Deployment(
          `${name}-${component}`,
          { metadata: meta(component), spec: input.apply(clusterTelegrafSpec) },
          { parent: this },
        );
      }
    }

    // Grafana: provisioned from files; credentials in a Secret, the rest in ConfigMaps.
    const cp = args.alerts.contactPoints;
    const withContactPoints = hasContactPoints(cp);
    const content = renderGrafanaContent({
      thresholds: args.alerts,
      apps: args.apps,
      sources: [...KUBERNETES_SOURCES, ...args.hostSources],
      databases: args.databases.enabled,
      provisionedIops: args.databases.provisionedIops,
      contactPoints: withContactPoints,
    });
    const configMap = (id: string, data: Record<string, string>) =>
      new k8s.core.v1.ConfigMap(
        `${name}-grafana-${id}`,
        { metadata: meta("grafana"), data },
        { parent: this },
      ).metadata.name;
    const rootUrl = args.grafana.host ? `https://${args.grafana.host}/` : `http://localhost:${GRAFANA_PORT}/`;
    const smtp = cp.email?.smtp;
    const configMaps = {
      ini: configMap("ini", {
        "grafana.ini": renderIni(
          grafanaIni({
            rootUrl,
            smtp: smtp ? { host: smtp.host, user: smtp.user, fromAddress: smtp.fromAddress } : undefined,
          }),
        ),
      }),
      providers: configMap("providers", content.files.dashboardProviders),
      dashboards: configMap("dashboards", content.files.dashboards),
      alerting: configMap("alerting", content.files.alerting),
    };
    const secretData = pulumi
      .all([
        grafanaAdminPassword,
        influxPasswords.grafana,
        this.influxUrl,
        smtp?.password ?? "",
        cp.slack?.webhookUrl ?? "",
        cp.sns?.topicArn ?? "",
        ca.cert.certPem,
      ])
      .apply(([admin, influx, url, smtpPassword, slackUrl, snsTopic, caCertPem]) => ({
        "admin-password": admin,
        ...(smtp ? { "smtp-password": smtpPassword } : {}),
        "datasources.yaml": renderDatasources(
          (["platform", "apps"] as const).map((db) => ({
            uid: DATASOURCE_UIDS[db],
            name: db === "platform" ? "InfluxDB" : "InfluxDB (apps)",
            url,
            database: DATABASES[db],
            user: INFLUX_USERS.grafana.name,
            password: influx,
            isDefault: db === "platform",
            caCertPem,
          })),
        ),
        ...(withContactPoints
          ? {
              "contact-points.yaml": renderContactPoints({
                email: cp.email ? { addresses: cp.email.addresses } : undefined,
                slack: cp.slack ? { webhookUrl: slackUrl } : undefined,
                sns: cp.sns ? { topicArn: snsTopic, region: args.region } : undefined,
              }),
            }
          : {}),
      }));
    const grafanaSecret = new k8s.core.v1.Secret(
      `${name}-grafana`,
      { metadata: meta("grafana"), type: "Opaque", stringData: pulumi.secret(secretData) },
      { parent: this },
    );
    // SNS: no keys anywhere; the pod's IRSA role may publish to the configured topic only.
    const snsRole =
      cp.sns && args.serviceAccountRoles
        ? createServiceAccountRole(
            `${name}-grafana-sns`,
            {
              oidcProviderArn: args.serviceAccountRoles.oidcProviderArn,
              issuerUrl: args.serviceAccountRoles.issuerUrl,
              namespace: args.namespace,
              serviceAccount: GRAFANA_SERVICE_ACCOUNT,
              managedPolicies: [],
              statements: [grafanaSnsStatement(cp.sns.topicArn)],
              partition: aws.getPartitionOutput({}, { parent: this }).partition,
            },
            this,
          )
        : undefined;
    const grafanaAccount = new k8s.core.v1.ServiceAccount(
      `${name}-grafana`,
      {
        metadata: {
          ...meta("grafana"),
          // A fixed name: the IRSA role trusts exactly this service account.
          name: GRAFANA_SERVICE_ACCOUNT,
          ...(snsRole ? { annotations: { "eks.amazonaws.com/role-arn": snsRole.arn } } : {}),
        },
      },
      { parent: this },
    );
    new k8s.apps.v1.Deployment(
      `${name}-grafana`,
      {
        metadata: meta("grafana"),
        spec: pulumi
          .all([
            configMaps.ini,
            configMaps.providers,
            configMaps.dashboards,
            configMaps.alerting,
            grafanaSecret.metadata.name,
            grafanaAccount.metadata.name,
          ])
          .apply(([ini, providers, dashboards, alerting, secret, serviceAccountName]) =>
            grafanaDeploymentSpec({
              image: IMAGES.grafana,
              serviceAccountName,
              configMaps: { ini, providers, dashboards, alerting },
              secret,
              smtp: Boolean(smtp),
              contactPoints: withContactPoints,
            }),
          ),
      },
      { parent: this, dependsOn: [influxdb] },
    );
    this.grafanaService = args.grafana.host
      ? {
          app: GRAFANA_ROUTE_APP,
          host: args.grafana.host,
          namespace: { key: "monitoring", name: args.namespace },
          port: GRAFANA_PORT,
          healthCheckPath: GRAFANA_HEALTH_PATH,
        }
      : undefined;
    new k8s.core.v1.Service(
      `${name}-grafana`,
      {
        metadata: {
          ...meta("grafana"),
          name: SERVICE_NAMES.grafana,
          // The registrar registers the pods of a labelled Service as the route's members.
          labels: {
            ...labelsFor("grafana"),
            ...(this.grafanaService ? platformServiceLabels(this.grafanaService.app) : {}),
          },
        },
        spec: {
          selector: labelsFor("grafana"),
          ports: [{ name: "http", port: GRAFANA_PORT, targetPort: "http", protocol: "TCP" }],
        },
      },
      { parent: this },
    );

    if (hostDnsName) {
      // InfluxDB's CA for the hosts' Telegraf (public, fetched at boot for Telegraf's own user).
      const caSecret = new aws.secretsmanager.Secret(
        `${name}-host-telegraf-ca`,
        { description: "InfluxDB's CA certificate, for the EC2 hosts' Telegraf" },
        { parent: this },
      );
      new aws.secretsmanager.SecretVersion(
        `${name}-host-telegraf-ca`,
        {
          secretId: caSecret.id,
          secretString: ca.cert.certPem.apply((pem) => JSON.stringify({ [TELEGRAF_HOST.influxCaFile]: pem })),
        },
        { parent: this },
      );
      // The hosts' Telegraf password, fetched at boot by the hosts (never in user-data).
      const secret = new aws.secretsmanager.Secret(
        `${name}-host-telegraf`,
        { description: "InfluxDB password of the write-only telegraf user, for the EC2 hosts' Telegraf" },
        { parent: this },
      );
      new aws.secretsmanager.SecretVersion(
        `${name}-host-telegraf`,
        {
          secretId: secret.id,
          secretString: pulumi.secret(
            influxPasswords.telegraf.apply((p) =>
              JSON.stringify({ [TELEGRAF_HOST.envFile]: `INFLUX_PASSWORD=${p}\n` }),
            ),
          ),
        },
        { parent: this },
      );
      this.hostMetrics = {
        url: hostDnsName.apply(influxHostUrl),
        caSecretArn: caSecret.arn,
        database: DATABASES.platform,
        username: INFLUX_USERS.telegraf.name,
        credentialsSecretArn: secret.arn,
      };
    }

    this.appsDatabase = DATABASES.apps;
    this.appsWriteUsername = INFLUX_USERS.apps.name;
    this.appsWritePassword = pulumi.secret(influxPasswords.apps);
    this.telegrafPassword = pulumi.secret(influxPasswords.telegraf);
    this.grafanaAccess = ns.apply((n) =>
      args.grafana.host
        ? rootUrl
        : `kubectl -n ${n} port-forward svc/${SERVICE_NAMES.grafana} ${GRAFANA_PORT}:${GRAFANA_PORT}`,
    );
    this.registerOutputs({
      influxUrl: this.influxUrl,
      influxCaCertPem: this.influxCaCertPem,
      appsWriteUsername: this.appsWriteUsername,
      grafanaAccess: this.grafanaAccess,
    });
  }
}
