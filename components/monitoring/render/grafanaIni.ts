/**
 * grafana.ini: sign-in required, no anonymous or self sign-up, no phone-home, alerting from the
 * provisioned rules only. The admin and SMTP passwords come from a Secret through GF_* variables.
 */
import { GRAFANA_PORT } from "../layout";

export interface GrafanaIniInput {
  /** The URL users reach Grafana at (links in alert notifications). */
  rootUrl: string;
  smtp?: { host: string; user: string; fromAddress: string };
}

type Ini = Record<string, Record<string, string | number | boolean>>;

export function grafanaIni(i: GrafanaIniInput): Ini {
  return {
    paths: { data: "/var/lib/grafana/data", provisioning: "/etc/grafana/provisioning" },
    server: { http_port: GRAFANA_PORT, root_url: i.rootUrl, enforce_domain: false },
    security: {
      admin_user: "admin",
      disable_gravatar: true,
      cookie_secure: i.rootUrl.startsWith("https://"),
      cookie_samesite: "strict",
    },
    users: { allow_sign_up: false, allow_org_create: false },
    "auth.anonymous": { enabled: false },
    "auth.basic": { enabled: true },
    analytics: {
      reporting_enabled: false,
      check_for_updates: false,
      check_for_plugin_updates: false,
      feedback_links_enabled: false,
    },
    news: { news_feed_enabled: false },
    snapshots: { external_enabled: false },
    unified_alerting: { enabled: true },
    smtp: i.smtp
      ? {
          enabled: true,
          host: i.smtp.host,
          user: i.smtp.user,
          from_address: i.smtp.fromAddress,
          startTLS_policy: "MandatoryStartTLS",
        }
      : { enabled: false },
    log: { mode: "console" },
  };
}

export function renderIni(ini: Ini): string {
  return (
    Object.entries(ini)
      .map(([section, entries]) =>
        [`[${section}]`, ...Object.entries(entries).map(([k, v]) => `${k} = ${String(v)}`)].join("\n"),
      )
      .join("\n\n") + "\n"
  );
}
