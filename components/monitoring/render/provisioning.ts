/**
 * Grafana's provisioning files (apiVersion 1), rendered from data so no templating touches them.
 * What holds a credential (the datasource password, contact-point URLs) is rendered separately,
 * for a Secret; everything else goes in ConfigMaps. Nothing here uses `$`: Grafana reads `$NAME`
 * in provisioning files as an environment variable.
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as alerting from "@grafana/grafana-foundation-sdk/alerting";
import type * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { stringify } from "yaml";
import { INFLUXDB_DATASOURCE_TYPE } from "../influxql";

export const ORG_ID = 1;
export const FOLDER = { uid: "switchyard", title: "Switchyard" } as const;
export const RULE_GROUP = "switchyard";
export const CONTACT_POINT = "switchyard";
/** Where the dashboard JSON files are mounted, read by the dashboard provider. */
export const DASHBOARDS_DIR = "/var/lib/grafana/dashboards";

const yaml = (doc: unknown) => stringify(doc, { lineWidth: 0 });

export interface DatasourceInput {
  uid: string;
  name: string;
  url: string;
  database: string;
  user: string;
  password: string;
  isDefault: boolean;
  /** PEM of the CA InfluxDB's certificate is signed by: Grafana trusts it alone. */
  caCertPem: string;
}

export function renderDatasources(sources: DatasourceInput[]): string {
  return yaml({
    apiVersion: 1,
    datasources: sources.map((s) => ({
      name: s.name,
      uid: s.uid,
      type: INFLUXDB_DATASOURCE_TYPE,
      access: "proxy",
      url: s.url,
      user: s.user,
      isDefault: s.isDefault,
      editable: false,
      jsonData: {
        dbName: s.database,
        httpMode: "POST",
        version: "InfluxQL",
        tlsAuthWithCACert: true,
        tlsSkipVerify: false,
      },
      secureJsonData: { password: s.password, tlsCACert: s.caCertPem },
    })),
  });
}

export function renderDashboardProvider(): string {
  return yaml({
    apiVersion: 1,
    providers: [
      {
        name: "switchyard",
        orgId: ORG_ID,
        folder: FOLDER.title,
        folderUid: FOLDER.uid,
        type: "file",
        // Dashboards are code: edits in the UI are refused, deletions come back on restart.
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 60,
        options: { path: DASHBOARDS_DIR, foldersFromFilesStructure: false },
      },
    ],
  });
}

export function renderDashboardFiles(dashboards: dashboard.Dashboard[]): Record<string, string> {
  return Object.fromEntries(dashboards.map((d) => [`${d.uid}.json`, JSON.stringify(d, null, 2)]));
}

/** The SDK's API shape of a rule, as the provisioning file wants it (group fields move up). */
function fileRule(rule: alerting.Rule) {
  return {
    uid: rule.uid,
    title: rule.title,
    condition: rule.condition,
    data: rule.data.map((q) => ({
      refId: q.refId,
      datasourceUid: q.datasourceUid,
      ...(q.relativeTimeRange ? { relativeTimeRange: q.relativeTimeRange } : {}),
      // Plain data: the SDK's models carry a marker method.
      model: JSON.parse(JSON.stringify(q.model)) as unknown,
    })),
    noDataState: rule.noDataState,
    execErrState: rule.execErrState,
    for: rule.for,
    annotations: rule.annotations,
    labels: rule.labels,
    isPaused: false,
  };
}

export function renderAlertRules(rules: alerting.Rule[], intervalSeconds = 60): string {
  return yaml({
    apiVersion: 1,
    groups: [
      {
        orgId: ORG_ID,
        name: RULE_GROUP,
        folder: FOLDER.title,
        interval: `${intervalSeconds}s`,
        rules: rules.map(fileRule),
      },
    ],
  });
}

export interface ContactPointsInput {
  email?: { addresses: string[] };
  slack?: { webhookUrl: string };
  sns?: { topicArn: string; region: string };
}

/** What Grafana's IRSA role may do with an SNS contact point: publish to that one topic. */
export function grafanaSnsStatement(topicArn: pulumi.Input<string>): Record<string, unknown> {
  return { Effect: "Allow", Action: "sns:Publish", Resource: topicArn };
}

export function hasContactPoints(c: { email?: unknown; slack?: unknown; sns?: unknown }): boolean {
  return Boolean(c.email || c.slack || c.sns);
}

/** One contact point with a receiver per configured channel; URLs are secrets (Secret, not ConfigMap). */
export function renderContactPoints(c: ContactPointsInput): string {
  const receivers: Record<string, unknown>[] = [];
  if (c.email) {
    receivers.push({
      uid: "switchyard-email",
      type: "email",
      settings: { addresses: c.email.addresses.join(";"), singleEmail: false },
    });
  }
  if (c.slack)
    receivers.push({ uid: "switchyard-slack", type: "slack", settings: { url: c.slack.webhookUrl } });
  if (c.sns) {
    // No keys: the Grafana pod's service-account role (IRSA) may publish to exactly this topic.
    receivers.push({
      uid: "switchyard-sns",
      type: "sns",
      settings: { topic: c.sns.topicArn, sigv4: { region: c.sns.region } },
    });
  }
  return yaml({ apiVersion: 1, contactPoints: [{ orgId: ORG_ID, name: CONTACT_POINT, receivers }] });
}

export function renderNotificationPolicies(): string {
  return yaml({
    apiVersion: 1,
    policies: [
      {
        orgId: ORG_ID,
        receiver: CONTACT_POINT,
        group_by: ["grafana_folder", "alertname"],
        group_wait: "30s",
        group_interval: "5m",
        repeat_interval: "4h",
      },
    ],
  });
}
