/**
 * The configurator's decisions, as pure functions: the desired state (rendered from stack config)
 * and the current state (what Graylog's REST API lists) in, the requests that close the gap out.
 * A second run against the state the first produced plans nothing; a changed retention plans one
 * index-set update. Objects are matched by title; only the fields listed here are compared, so
 * settings Graylog adds or a user tunes elsewhere are kept.
 */
import {
  GELF_KAFKA_INPUT_TYPE,
  GRAYLOG_API,
  INDEX_RETENTION,
  INDEX_ROTATION,
  SOURCE_INPUT_FIELD,
  STREAM_RULE_MATCH_INPUT,
  type GraylogDesiredState,
} from "../../model/graylog";

/** The parts of Graylog's list responses the plan reads. */
export interface InputSummary {
  id: string;
  title: string;
  type: string;
  global: boolean;
  configuration: Record<string, unknown>;
}

export interface IndexSetSummary {
  id: string;
  title: string;
  description?: string | null;
  writable: boolean;
  shards: number;
  replicas: number;
  rotation_strategy_class: string;
  rotation_strategy: Record<string, unknown>;
  retention_strategy_class: string;
  retention_strategy: Record<string, unknown>;
  index_optimization_max_num_segments?: number;
  index_optimization_disabled?: boolean;
  field_type_refresh_interval?: number;
  data_tiering?: Record<string, unknown> | null;
  use_legacy_rotation?: boolean;
}

export interface StreamRule {
  id?: string;
  field: string;
  type: number;
  value: string;
  inverted: boolean;
}

export interface StreamSummary {
  id: string;
  title: string;
  description?: string | null;
  index_set_id: string;
  disabled: boolean;
  matching_type: string;
  remove_matches_from_default_stream: boolean;
  rules: StreamRule[];
}

export interface GraylogState {
  inputs: InputSummary[];
  indexSets: IndexSetSummary[];
  streams: StreamSummary[];
}

/** Ids a request may need before they exist: resolved by the runner from earlier responses. */
export type Ref = "indexSet" | "input" | "stream";

export interface PlannedRequest {
  method: "POST" | "PUT";
  /** May contain `{indexSet}`, `{input}` or `{stream}`. */
  path: string;
  /** Strings equal to `{indexSet}`, `{input}` or `{stream}` are replaced by the id. */
  body?: unknown;
  /** The id this request creates, read from the response (`id`, or `stream_id` for streams). */
  creates?: Ref;
  /** One line for the log, never a credential. */
  summary: string;
}

export const refToken = (ref: Ref): string => `{${ref}}`;

/** The secrets the input's consumer properties need; kept apart from the rendered state. */
export interface KafkaCredentials {
  password: string;
}

/** Index lifetimes in days: the minimum is the configured retention, the maximum leaves room to rotate. */
export function indexLifetimes(retentionDays: number): { min: number; max: number } {
  return { min: retentionDays, max: retentionDays + Math.max(1, Math.ceil(retentionDays / 4)) };
}

const period = (days: number) => `P${days}D`;

/** The index-set fields the configurator owns, as Graylog's API spells them. */
export function desiredIndexSet(d: GraylogDesiredState["indexSet"]) {
  const life = indexLifetimes(d.retentionDays);
  return {
    title: d.title,
    description: d.description,
    writable: true,
    shards: d.shards,
    replicas: d.replicas,
    rotation_strategy_class: INDEX_ROTATION.strategyClass,
    rotation_strategy: {
      type: INDEX_ROTATION.configType,
      index_lifetime_min: period(life.min),
      index_lifetime_max: period(life.max),
    },
    retention_strategy_class: INDEX_RETENTION.strategyClass,
    // Unused by the time-size-optimizing rotation (the lifetimes rule); required by the API.
    retention_strategy: { type: INDEX_RETENTION.configType, max_number_of_indices: life.max },
    use_legacy_rotation: false,
    data_tiering: {
      type: "hot_only",
      index_lifetime_min: period(life.min),
      index_lifetime_max: period(life.max),
    },
  };
}

/** Java properties text (one `key=value` a line, as Properties.load reads it), sorted. */
export function renderProperties(props: Record<string, string>): string {
  const escape = (s: string) => s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
  return Object.keys(props)
    .sort()
    .map((k) => `${k}=${escape(props[k])}`)
    .join("\n");
}

/** SCRAM login line; the values are quoted for the JAAS parser. */
export function scramJaasConfig(username: string, password: string): string {
  const quote = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  return `org.apache.kafka.common.security.scram.ScramLoginModule required username=${quote(username)} password=${quote(password)};`;
}

/** The GELF Kafka input's configuration (KafkaTransport keys; legacy_mode false: the consumer API). */
export function desiredInputConfiguration(
  d: GraylogDesiredState["input"],
  credentials: KafkaCredentials,
): Record<string, unknown> {
  return {
    legacy_mode: false,
    bootstrap_server: d.bootstrapServers,
    topic_filter: `^${d.topic.replace(/[.]/g, "\\.")}$`,
    group_id: d.groupId,
    threads: d.threads,
    // Offsets are committed per group: "smallest" only applies to a new group, which then reads
    // what the topic still retains instead of starting at the newest message.
    offset_reset: "smallest",
    fetch_min_bytes: 5,
    fetch_wait_max: 100,
    throttling_allowed: false,
    custom_properties: renderProperties({
      ...d.properties,
      "sasl.jaas.config": scramJaasConfig(d.username, credentials.password),
    }),
  };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** True when `have` holds `want`: objects by their wanted keys only (Graylog adds its own). */
export function holds(want: unknown, have: unknown): boolean {
  if (isObject(want)) return isObject(have) && Object.keys(want).every((k) => holds(want[k], have[k]));
  return JSON.stringify(want) === JSON.stringify(have);
}

/** Keys of `want` whose value `have` does not hold. */
export function differingKeys(want: Record<string, unknown>, have: Record<string, unknown>): string[] {
  return Object.keys(want).filter((k) => !holds(want[k], have[k]));
}

function planIndexSet(d: GraylogDesiredState, current: GraylogState): PlannedRequest[] {
  const want = desiredIndexSet(d.indexSet);
  const found = current.indexSets.find((s) => s.title === d.indexSet.title);
  if (!found) {
    return [
      {
        method: "POST",
        path: GRAYLOG_API.indexSets,
        body: {
          ...want,
          index_prefix: d.indexSet.indexPrefix,
          index_analyzer: "standard",
          index_optimization_max_num_segments: 1,
          index_optimization_disabled: false,
          field_type_refresh_interval: 5000,
          creation_date: "{now}",
        },
        creates: "indexSet",
        summary: `create index set "${want.title}" (retention ${d.indexSet.retentionDays} days)`,
      },
    ];
  }
  const changed = differingKeys(want, found as unknown as Record<string, unknown>);
  if (changed.length === 0) return [];
  return [
    {
      method: "PUT",
      path: `${GRAYLOG_API.indexSets}/${found.id}`,
      body: {
        ...want,
        // Not ours: kept as they are.
        index_optimization_max_num_segments: found.index_optimization_max_num_segments ?? 1,
        index_optimization_disabled: found.index_optimization_disabled ?? false,
        field_type_refresh_interval: found.field_type_refresh_interval ?? 5000,
      },
      summary: `update index set "${want.title}": ${changed.join(", ")}`,
    },
  ];
}

function planInput(
  d: GraylogDesiredState,
  current: GraylogState,
  credentials: KafkaCredentials,
): PlannedRequest[] {
  const configuration = desiredInputConfiguration(d.input, credentials);
  const body = { title: d.input.title, type: GELF_KAFKA_INPUT_TYPE, global: true, configuration };
  const found = current.inputs.find((i) => i.title === d.input.title && i.type === GELF_KAFKA_INPUT_TYPE);
  if (!found) {
    return [
      {
        method: "POST",
        path: GRAYLOG_API.inputs,
        body,
        creates: "input",
        summary: `create GELF Kafka input "${d.input.title}" (topic ${d.input.topic}, group ${d.input.groupId})`,
      },
    ];
  }
  // custom_properties is compared too (Graylog shows it in clear to the admin that edits
  // inputs): a rotated Kafka password updates the input.
  const changed = [
    ...(found.global ? [] : ["global"]),
    ...differingKeys(configuration, found.configuration).map((k) => `configuration.${k}`),
  ];
  if (changed.length === 0) return [];
  return [
    {
      method: "PUT",
      path: `${GRAYLOG_API.inputs}/${found.id}`,
      body,
      summary: `update input "${d.input.title}": ${changed.join(", ")}`,
    },
  ];
}

function planStream(d: GraylogDesiredState, current: GraylogState): PlannedRequest[] {
  const indexSetId = current.indexSets.find((s) => s.title === d.indexSet.title)?.id ?? refToken("indexSet");
  const inputId =
    current.inputs.find((i) => i.title === d.input.title && i.type === GELF_KAFKA_INPUT_TYPE)?.id ??
    refToken("input");
  const rule: StreamRule = {
    field: SOURCE_INPUT_FIELD,
    type: STREAM_RULE_MATCH_INPUT,
    value: inputId,
    inverted: false,
  };
  const settings = {
    title: d.stream.title,
    description: d.stream.description,
    matching_type: "AND",
    // Logs are stored once, in their own index set, not also in the default one.
    remove_matches_from_default_stream: true,
    index_set_id: indexSetId,
  };
  const found = current.streams.find((s) => s.title === d.stream.title);
  if (!found) {
    return [
      {
        method: "POST",
        path: GRAYLOG_API.streams,
        body: { ...settings, rules: [rule] },
        creates: "stream",
        summary: `create stream "${d.stream.title}" for the input's messages`,
      },
      // Graylog creates streams paused.
      {
        method: "POST",
        path: `${GRAYLOG_API.streams}/${refToken("stream")}/resume`,
        summary: `start stream "${d.stream.title}"`,
      },
    ];
  }
  const requests: PlannedRequest[] = [];
  const changed = differingKeys(settings, found as unknown as Record<string, unknown>);
  if (changed.length > 0)
    requests.push({
      method: "PUT",
      path: `${GRAYLOG_API.streams}/${found.id}`,
      body: settings,
      summary: `update stream "${d.stream.title}": ${changed.join(", ")}`,
    });
  const hasRule = found.rules.some(
    (r) => r.type === rule.type && r.field === rule.field && r.value === rule.value && !r.inverted,
  );
  if (!hasRule)
    requests.push({
      method: "POST",
      path: `${GRAYLOG_API.streams}/${found.id}/rules`,
      body: { ...rule, description: "messages of the switchyard Kafka input" },
      summary: `add the input rule to stream "${d.stream.title}"`,
    });
  if (found.disabled)
    requests.push({
      method: "POST",
      path: `${GRAYLOG_API.streams}/${found.id}/resume`,
      summary: `start stream "${d.stream.title}"`,
    });
  return requests;
}

/** Every request, in an order where each id exists before it is used. */
export function planRequests(
  desired: GraylogDesiredState,
  current: GraylogState,
  credentials: KafkaCredentials,
): PlannedRequest[] {
  return [
    ...planIndexSet(desired, current),
    ...planInput(desired, current, credentials),
    ...planStream(desired, current),
  ];
}

/** Replaces `{ref}` tokens in a path or body with the ids known so far; fails on an unknown one. */
export function resolveRefs<T>(value: T, ids: Partial<Record<Ref, string>>, now: string): T {
  const replace = (s: string): string =>
    s.replace(/\{(indexSet|input|stream|now)\}/g, (_, ref: Ref | "now") => {
      if (ref === "now") return now;
      const id = ids[ref];
      if (!id) throw new Error(`no id for ${ref} yet: the plan is out of order`);
      return id;
    });
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return replace(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object")
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
