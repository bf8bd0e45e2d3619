/** Everything Grafana is provisioned with, from the component's inputs: a pure function. */
import type * as alerting from "@grafana/grafana-foundation-sdk/alerting";
import type * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { alertSpecs, buildRule, type AlertInputs } from "../alerts/rules";
import { clusterDashboard } from "../dashboards/cluster";
import { databasesDashboard } from "../dashboards/databases";
import { etcdDashboard } from "../dashboards/etcd";
import { buildDashboard } from "../dashboards/panels";
import { routingDashboard } from "../dashboards/routing";
import { DATASOURCE_UIDS } from "../layout";
import {
  FOLDER,
  RULE_GROUP,
  renderAlertRules,
  renderDashboardFiles,
  renderDashboardProvider,
  renderNotificationPolicies,
} from "./provisioning";

export interface GrafanaContentInput extends AlertInputs {
  /** Provisioned IOPS of the database volumes, the line on the IOPS panel. */
  provisionedIops: number;
  /** A notification policy is only provisioned with a contact point to route to. */
  contactPoints: boolean;
}

export interface GrafanaContent {
  dashboards: dashboard.Dashboard[];
  rules: alerting.Rule[];
  /** Provisioning files without credentials (ConfigMaps), by directory. */
  files: {
    dashboardProviders: Record<string, string>;
    dashboards: Record<string, string>;
    alerting: Record<string, string>;
  };
}

export function renderGrafanaContent(i: GrafanaContentInput): GrafanaContent {
  const uid = DATASOURCE_UIDS.platform;
  const specs = [
    clusterDashboard(),
    routingDashboard(i.thresholds.agentStaleSeconds),
    etcdDashboard(),
    ...(i.databases
      ? [
          databasesDashboard({
            replicaLagSeconds: i.thresholds.replicaLagSeconds,
            provisionedIops: i.provisionedIops,
          }),
        ]
      : []),
  ];
  const dashboards = specs.map((d) => buildDashboard(uid, d));
  const rules = alertSpecs(i).map((s) => buildRule(s, uid, FOLDER.uid, RULE_GROUP));
  return {
    dashboards,
    rules,
    files: {
      dashboardProviders: { "switchyard.yaml": renderDashboardProvider() },
      dashboards: renderDashboardFiles(dashboards),
      alerting: {
        "rules.yaml": renderAlertRules(rules),
        ...(i.contactPoints ? { "policies.yaml": renderNotificationPolicies() } : {}),
      },
    },
  };
}
