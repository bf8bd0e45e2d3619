/**
 * The configurator's side effects, kept thin: read Graylog's current state, apply the planned
 * requests in order (each created id feeds the later ones), report what changed.
 */
import { GRAYLOG_API, REQUESTED_BY_HEADER, type GraylogDesiredState } from "../../model/graylog";
import type { Logger } from "../runtime/log";
import {
  planRequests,
  resolveRefs,
  type GraylogState,
  type KafkaCredentials,
  type PlannedRequest,
  type Ref,
} from "./plan";

export interface GraylogClientOptions {
  /** http://host:port of the Graylog API (the in-cluster Service). */
  url: string;
  username: string;
  password: string;
}

/** What the runner needs of Graylog: one JSON request at a time. */
export interface GraylogApi {
  request(method: string, path: string, body?: unknown): Promise<unknown>;
}

export class GraylogClient implements GraylogApi {
  private readonly auth: string;

  constructor(private readonly o: GraylogClientOptions) {
    this.auth = "Basic " + Buffer.from(`${o.username}:${o.password}`).toString("base64");
  }

  async request(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(this.o.url.replace(/\/$/, "") + path, {
      method,
      headers: {
        authorization: this.auth,
        accept: "application/json",
        [REQUESTED_BY_HEADER]: "switchyard-graylog-configurator",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    // The response may echo the request (input configuration): only the status is reported.
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status}`);
    return text === "" ? undefined : JSON.parse(text);
  }

  /** True once the node answers ALIVE (no authentication needed). */
  async alive(): Promise<boolean> {
    try {
      const res = await fetch(this.o.url.replace(/\/$/, "") + GRAYLOG_API.lbStatus, {
        signal: AbortSignal.timeout(5_000),
      });
      return res.ok && (await res.text()).trim().toUpperCase().includes("ALIVE");
    } catch {
      return false;
    }
  }
}

export async function readState(client: GraylogApi): Promise<GraylogState> {
  const [inputs, indexSets, streams] = await Promise.all([
    client.request("GET", GRAYLOG_API.inputs),
    client.request("GET", `${GRAYLOG_API.indexSets}?skip=0&limit=0&stats=false`),
    client.request("GET", GRAYLOG_API.streams),
  ]);
  return {
    inputs: (inputs as { inputs: GraylogState["inputs"] }).inputs,
    indexSets: (indexSets as { index_sets: GraylogState["indexSets"] }).index_sets,
    streams: (streams as { streams: GraylogState["streams"] }).streams,
  };
}

/** Ids already in Graylog, so requests that refer to an existing object resolve too. */
export function knownIds(desired: GraylogDesiredState, state: GraylogState): Partial<Record<Ref, string>> {
  return {
    indexSet: state.indexSets.find((s) => s.title === desired.indexSet.title)?.id,
    input: state.inputs.find((i) => i.title === desired.input.title)?.id,
    stream: state.streams.find((s) => s.title === desired.stream.title)?.id,
  };
}

export async function applyRequests(
  client: GraylogApi,
  requests: PlannedRequest[],
  ids: Partial<Record<Ref, string>>,
  log: Logger,
): Promise<void> {
  for (const r of requests) {
    const now = new Date().toISOString();
    const response = (await client.request(
      r.method,
      resolveRefs(r.path, ids, now),
      r.body === undefined ? undefined : resolveRefs(r.body, ids, now),
    )) as { id?: string; stream_id?: string } | undefined;
    if (r.creates) {
      const id = response?.stream_id ?? response?.id;
      if (!id) throw new Error(`${r.summary}: the response carries no id`);
      ids[r.creates] = id;
    }
    log.info("change", { change: r.summary });
  }
}

export async function configure(
  client: GraylogApi,
  desired: GraylogDesiredState,
  credentials: KafkaCredentials,
  log: Logger,
): Promise<number> {
  const state = await readState(client);
  const requests = planRequests(desired, state, credentials);
  await applyRequests(client, requests, knownIds(desired, state), log);
  return requests.length;
}
