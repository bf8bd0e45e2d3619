/**
 * The InfluxDB datasource's raw InfluxQL query, as a foundation-SDK dataquery (the SDK ships no
 * InfluxDB query type). Panels and alert rules take it like any other target, so every query the
 * component renders is one of these and tests can find and execute them all.
 */
import type * as cog from "@grafana/grafana-foundation-sdk/cog";

export const INFLUXDB_DATASOURCE_TYPE = "influxdb";

export interface InfluxQLQuery extends cog.Dataquery {
  refId: string;
  datasource: { type: typeof INFLUXDB_DATASOURCE_TYPE; uid: string };
  /** Raw InfluxQL: the query editor's raw mode, no builder fields. */
  rawQuery: true;
  query: string;
  resultFormat: "time_series" | "table";
  /** Legend per series, e.g. `$tag_pod_name`. */
  alias?: string;
}

export class InfluxQLQueryBuilder implements cog.Builder<InfluxQLQuery> {
  private readonly internal: InfluxQLQuery;

  constructor(datasourceUid: string, query: string) {
    this.internal = {
      refId: "A",
      datasource: { type: INFLUXDB_DATASOURCE_TYPE, uid: datasourceUid },
      rawQuery: true,
      query,
      resultFormat: "time_series",
    } as InfluxQLQuery;
    // The SDK's variant marker, kept out of the serialised query.
    Object.defineProperty(this.internal, "_implementsDataqueryVariant", {
      value: () => undefined,
      enumerable: false,
    });
  }

  refId(refId: string): this {
    this.internal.refId = refId;
    return this;
  }

  alias(alias: string): this {
    this.internal.alias = alias;
    return this;
  }

  table(): this {
    this.internal.resultFormat = "table";
    return this;
  }

  build(): InfluxQLQuery {
    return this.internal;
  }
}

/**
 * Grafana's InfluxQL macros, replaced the way its datasource does for a relative time range
 * ending now: `$timeFilter` -> `time > now() - <range>`, `$__interval` -> the panel's group-by
 * interval. Used by the checks that execute the rendered queries against a real InfluxDB.
 */
export function interpolateInfluxQL(
  query: string,
  range: { fromSeconds: number; intervalSeconds: number },
): string {
  return query
    .replaceAll("$timeFilter", `time > now() - ${range.fromSeconds}s`)
    .replaceAll("$__interval", `${range.intervalSeconds}s`);
}

/** Quotes an InfluxQL identifier (measurement, field, tag key). */
export const ident = (name: string): string => `"${name.replaceAll('"', '\\"')}"`;

/** Quotes an InfluxQL string literal (a tag value). */
export const literal = (value: string): string =>
  `'${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
