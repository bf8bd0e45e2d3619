/**
 * An in-memory stand-in for the few Graylog REST endpoints the configurator calls, answering in
 * the shapes graylog2-server does (InputsList, IndexSetResponse, StreamListResponse; ids in
 * `id`, a created stream's in `stream_id`; streams created paused). It also adds the fields Graylog
 * returns beyond what was sent, so the tests prove the plan compares only what it owns.
 * Graylog itself cannot run here: what only a real Graylog confirms is listed in docs/logging.md.
 */
import type { GraylogApi } from "../../../../hosts/graylog-configurator/run";
import type { GraylogState, StreamRule } from "../../../../hosts/graylog-configurator/plan";

export interface Call {
  method: string;
  path: string;
  body?: unknown;
}

export class InMemoryGraylog implements GraylogApi {
  readonly state: GraylogState = { inputs: [], indexSets: [], streams: [] };
  readonly calls: Call[] = [];
  private next = 1;

  private id(): string {
    return (this.next++).toString(16).padStart(24, "0");
  }

  async request(method: string, path: string, body?: unknown): Promise<unknown> {
    this.calls.push({ method, path, body });
    const b = (body ?? {}) as Record<string, unknown>;
    const [route] = path.split("?");
    const parts = route.split("/").filter(Boolean);
    if (method === "GET") {
      if (route === "/api/system/inputs")
        return { inputs: this.state.inputs, total: this.state.inputs.length };
      if (route === "/api/system/indices/index_sets")
        return { index_sets: this.state.indexSets, total: this.state.indexSets.length, stats: {} };
      if (route === "/api/streams") return { streams: this.state.streams, total: this.state.streams.length };
    }
    if (route === "/api/system/indices/index_sets" && method === "POST") {
      const id = this.id();
      const { creation_date: _c, ...rest } = b;
      this.state.indexSets.push({
        ...rest,
        id,
        default: false,
        can_be_default: true,
        creation_date: "2026-01-01T00:00:00.000Z",
        // Graylog echoes more than it was sent.
        data_tiering: { ...(b.data_tiering as object), archive_before_deletion: false },
      } as never);
      return { ...this.state.indexSets.at(-1) };
    }
    if (parts[3] === "index_sets" && parts[4] && method === "PUT") {
      const found = this.state.indexSets.find((s) => s.id === parts[4]);
      if (!found) throw new Error(`no index set ${parts[4]}`);
      Object.assign(found, b);
      return { ...found };
    }
    if (route === "/api/system/inputs" && method === "POST") {
      const id = this.id();
      this.state.inputs.push({ ...b, id, node: null, created_at: "2026-01-01T00:00:00.000Z" } as never);
      return { id };
    }
    if (parts[2] === "inputs" && parts[3] && method === "PUT") {
      const found = this.state.inputs.find((i) => i.id === parts[3]);
      if (!found) throw new Error(`no input ${parts[3]}`);
      Object.assign(found, b);
      return { id: found.id };
    }
    if (route === "/api/streams" && method === "POST") {
      const id = this.id();
      const rules = ((b.rules as StreamRule[]) ?? []).map((r) => ({ ...r, id: this.id(), stream_id: id }));
      this.state.streams.push({ ...b, id, rules, disabled: true, is_default: false, outputs: [] } as never);
      return { stream_id: id };
    }
    const stream = parts[1] === "streams" ? this.state.streams.find((s) => s.id === parts[2]) : undefined;
    if (stream && parts.length === 3 && method === "PUT") {
      Object.assign(stream, b);
      return { ...stream };
    }
    if (stream && parts[3] === "rules" && method === "POST") {
      const rule = { ...(b as unknown as StreamRule), id: this.id() };
      stream.rules.push(rule);
      return { streamrule_id: rule.id };
    }
    if (stream && parts[3] === "resume" && method === "POST") {
      stream.disabled = false;
      return undefined;
    }
    throw new Error(`unexpected ${method} ${path}`);
  }
}
