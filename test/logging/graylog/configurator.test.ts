import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { buildConfiguratorBundle, CONFIGURATOR_BUNDLE } from "../../../components/logging/graylog/bundle";
import {
  graylogDesiredState,
  renderDesiredState,
  type GraylogDesiredArgs,
} from "../../../components/logging/graylog/desired";
import { GELF_KAFKA_INPUT_TYPE, STREAM_RULE_MATCH_INPUT } from "../../../model/graylog";
import {
  desiredIndexSet,
  holds,
  indexLifetimes,
  planRequests,
  renderProperties,
  resolveRefs,
  type PlannedRequest,
} from "../../../hosts/graylog-configurator/plan";
import { applyRequests, configure, knownIds } from "../../../hosts/graylog-configurator/run";
import { createLogger } from "../../../hosts/runtime/log";
import { ROOT } from "../../helpers/plan";
import { InMemoryGraylog } from "./support/graylogState";

const ARGS: GraylogDesiredArgs = {
  retentionDays: 30,
  searchNodes: 3,
  graylogReplicas: 2,
  kafka: {
    bootstrapServers: "logs-kafka-bootstrap.logging.svc:9093",
    topic: "logs",
    partitions: 6,
    groupId: "graylog",
    username: "graylog",
  },
};
const CREDENTIALS = { password: "kafka-password-1" };
/** The request bodies as the tests read them (what planRequests builds is free-form JSON). */
interface Bodies {
  indexSet: ReturnType<typeof desiredIndexSet>;
  input: { type: string; global: boolean; configuration: Record<string, unknown> };
  stream: { rules: unknown[]; index_set_id: string; remove_matches_from_default_stream: boolean };
}
const bodies = (plan: PlannedRequest[]): Bodies => ({
  indexSet: plan[0].body as Bodies["indexSet"],
  input: plan[1].body as Bodies["input"],
  stream: plan[2].body as Bodies["stream"],
});

const quiet = createLogger("error", {}, () => true);

async function converge(graylog: InMemoryGraylog, args: GraylogDesiredArgs, credentials = CREDENTIALS) {
  return configure(graylog, graylogDesiredState(args), credentials, quiet);
}

describe("Graylog configurator: requests from config", () => {
  it("creates the index set, the GELF Kafka input and a started stream on an empty Graylog", () => {
    const plan = planRequests(
      graylogDesiredState(ARGS),
      { inputs: [], indexSets: [], streams: [] },
      CREDENTIALS,
    );
    assert.deepEqual(
      plan.map((r) => `${r.method} ${r.path}`),
      [
        "POST /api/system/indices/index_sets",
        "POST /api/system/inputs",
        "POST /api/streams",
        "POST /api/streams/{stream}/resume",
      ],
    );
    const { indexSet, input, stream } = bodies(plan);
    const life = indexLifetimes(ARGS.retentionDays);
    assert.equal(indexSet.rotation_strategy.index_lifetime_min, `P${ARGS.retentionDays}D`);
    assert.equal(indexSet.data_tiering.index_lifetime_max, `P${life.max}D`);
    assert.equal(indexSet.use_legacy_rotation, false);
    assert.equal(indexSet.shards, 3);
    assert.equal(indexSet.replicas, 1);

    assert.equal(input.type, GELF_KAFKA_INPUT_TYPE);
    assert.equal(input.global, true);
    const c = input.configuration;
    assert.equal(c.legacy_mode, false, "the consumer API, not the ZooKeeper one");
    assert.equal(c.bootstrap_server, ARGS.kafka.bootstrapServers);
    assert.equal(c.topic_filter, "^logs$");
    assert.equal(c.group_id, "graylog");
    assert.equal(c.threads, 3, "6 partitions over 2 Graylog nodes");
    const props = Object.fromEntries(
      (c.custom_properties as string)
        .split("\n")
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    assert.equal(props["security.protocol"], "SASL_SSL");
    assert.equal(props["sasl.mechanism"], "SCRAM-SHA-512");
    assert.equal(props["ssl.truststore.type"], "PEM");
    assert.match(
      props["sasl.jaas.config"],
      /ScramLoginModule required username="graylog" password="kafka-password-1";$/,
    );

    assert.deepEqual(stream.rules, [
      { field: "gl2_source_input", type: STREAM_RULE_MATCH_INPUT, value: "{input}", inverted: false },
    ]);
    assert.equal(stream.index_set_id, "{indexSet}");
    assert.equal(stream.remove_matches_from_default_stream, true);
  });

  it("never puts the Kafka password in a request summary", () => {
    const plan = planRequests(
      graylogDesiredState(ARGS),
      { inputs: [], indexSets: [], streams: [] },
      CREDENTIALS,
    );
    for (const r of plan) assert.doesNotMatch(r.summary, /kafka-password-1/);
  });

  it("follows the topic, group and retention of the config", () => {
    const other = {
      ...ARGS,
      retentionDays: 7,
      kafka: { ...ARGS.kafka, topic: "platform.logs", groupId: "gl-2" },
    };
    const { indexSet, input } = bodies(
      planRequests(graylogDesiredState(other), { inputs: [], indexSets: [], streams: [] }, CREDENTIALS),
    );
    assert.equal(indexSet.rotation_strategy.index_lifetime_min, "P7D");
    assert.equal(input.configuration.topic_filter, "^platform\\.logs$");
    assert.equal(input.configuration.group_id, "gl-2");
  });
});

describe("Graylog configurator: idempotent", () => {
  it("wires created ids into later requests and changes nothing on a second run", async () => {
    const graylog = new InMemoryGraylog();
    assert.equal(await converge(graylog, ARGS), 4);
    const [indexSet] = graylog.state.indexSets;
    const [input] = graylog.state.inputs;
    const [stream] = graylog.state.streams;
    assert.equal(stream.index_set_id, indexSet.id);
    assert.equal(stream.rules[0].value, input.id);
    assert.equal(stream.disabled, false);

    const before = graylog.calls.length;
    assert.equal(await converge(graylog, ARGS), 0);
    assert.ok(
      graylog.calls.slice(before).every((c) => c.method === "GET"),
      "the second run only reads",
    );
  });

  it("a changed retention makes exactly one index-set update", async () => {
    const graylog = new InMemoryGraylog();
    await converge(graylog, ARGS);
    const plan = planRequests(
      graylogDesiredState({ ...ARGS, retentionDays: 14 }),
      graylog.state,
      CREDENTIALS,
    );
    assert.equal(plan.length, 1);
    assert.equal(plan[0].method, "PUT");
    assert.equal(plan[0].path, `/api/system/indices/index_sets/${graylog.state.indexSets[0].id}`);
    await applyRequests(graylog, plan, knownIds(graylogDesiredState(ARGS), graylog.state), quiet);
    assert.equal(graylog.state.indexSets[0].rotation_strategy.index_lifetime_min, "P14D");
    assert.equal(await converge(graylog, { ...ARGS, retentionDays: 14 }), 0);
  });

  it("a rotated Kafka password updates the input, and only the input", async () => {
    const graylog = new InMemoryGraylog();
    await converge(graylog, ARGS);
    const plan = planRequests(graylogDesiredState(ARGS), graylog.state, { password: "rotated" });
    assert.deepEqual(
      plan.map((r) => `${r.method} ${r.path}`),
      [`PUT /api/system/inputs/${graylog.state.inputs[0].id}`],
    );
    assert.match(plan[0].summary, /configuration\.custom_properties/);
  });

  it("repairs drift: a paused stream is resumed, a lost input rule added back", async () => {
    const graylog = new InMemoryGraylog();
    await converge(graylog, ARGS);
    graylog.state.streams[0].disabled = true;
    graylog.state.streams[0].rules = [];
    const plan = planRequests(graylogDesiredState(ARGS), graylog.state, CREDENTIALS);
    const id = graylog.state.streams[0].id;
    assert.deepEqual(
      plan.map((r) => `${r.method} ${r.path}`),
      [`POST /api/streams/${id}/rules`, `POST /api/streams/${id}/resume`],
    );
  });

  it("leaves objects it does not own alone", async () => {
    const graylog = new InMemoryGraylog();
    graylog.state.streams.push({
      id: "000000000000000000000abc",
      title: "All messages",
      index_set_id: "default",
      disabled: false,
      matching_type: "AND",
      remove_matches_from_default_stream: false,
      rules: [],
    });
    await converge(graylog, ARGS);
    assert.equal(graylog.state.streams.find((s) => s.title === "All messages")?.index_set_id, "default");
    assert.equal(graylog.state.streams.length, 2);
  });
});

describe("Graylog configurator: helpers", () => {
  it("compares objects by the keys it owns only", () => {
    assert.equal(holds({ a: 1 }, { a: 1, b: 2 }), true);
    assert.equal(holds({ a: { x: "P1D" } }, { a: { x: "P1D", y: true } }), true);
    assert.equal(holds({ a: { x: "P1D" } }, { a: { x: "P2D" } }), false);
    assert.equal(holds({ a: 1 }, {}), false);
  });

  it("keeps index lifetimes at least a day apart", () => {
    assert.deepEqual(indexLifetimes(1), { min: 1, max: 2 });
    assert.deepEqual(indexLifetimes(30), { min: 30, max: 38 });
  });

  it("escapes newlines and backslashes in properties (Properties.load reads them back)", () => {
    assert.equal(renderProperties({ b: "x\\y", a: "1\n2" }), "a=1\\n2\nb=x\\\\y");
  });

  it("refuses a reference to an id that no earlier request produced", () => {
    assert.throws(() => resolveRefs("/api/streams/{stream}/resume", {}, "now"), /no id for stream/);
    assert.equal(resolveRefs({ d: "{now}", s: ["{input}"] }, { input: "i1" }, "T").s[0], "i1");
  });
});

describe("graylog-configurator bundle (the file the Job runs)", () => {
  const root = ROOT;
  const bundle = buildConfiguratorBundle(root);
  const run = (env: Record<string, string>) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [join(root, CONFIGURATOR_BUNDLE)], {
        env: { PATH: process.env.PATH, ...env },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });

  it("is small enough for a ConfigMap", () => {
    assert.ok(bundle.source.length < 256 * 1024, `${bundle.source.length} bytes`);
  });

  it("names every missing setting on one line and exits 2", async () => {
    const r = await run({});
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split("\n").length, 1);
    assert.match(r.stderr, /GRAYLOG_URL: not set.*KAFKA_PASSWORD: not set/);
  });

  it("converges a Graylog API on loopback, sending credentials and the CSRF header, then changes nothing", async () => {
    const graylog = new InMemoryGraylog();
    const seen: { method: string; auth?: string; requestedBy?: string }[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        if (req.url === "/api/system/lbstatus") {
          res.writeHead(200).end("ALIVE");
          return;
        }
        seen.push({
          method: req.method ?? "",
          auth: req.headers.authorization,
          requestedBy: req.headers["x-requested-by"] as string | undefined,
        });
        graylog
          .request(req.method ?? "GET", req.url ?? "/", body ? JSON.parse(body) : undefined)
          .then((out) =>
            res
              .writeHead(200, { "content-type": "application/json" })
              .end(out === undefined ? "" : JSON.stringify(out)),
          )
          .catch((e: Error) => res.writeHead(500).end(e.message));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const dir = mkdtempSync(join(tmpdir(), "graylog-configurator-"));
    try {
      const file = join(dir, "desired.json");
      writeFileSync(file, renderDesiredState(graylogDesiredState(ARGS)));
      const env = {
        GRAYLOG_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        GRAYLOG_USERNAME: "admin",
        GRAYLOG_PASSWORD: "root-password",
        KAFKA_PASSWORD: "kafka-password-1",
        DESIRED_STATE_FILE: file,
      };
      const first = await run(env);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /"msg":"done","component":"graylog-configurator","changes":4/);
      assert.doesNotMatch(first.stdout + first.stderr, /kafka-password-1|root-password/);
      assert.equal(graylog.state.streams[0].disabled, false);
      const basic = "Basic " + Buffer.from("admin:root-password").toString("base64");
      assert.ok(seen.every((s) => s.auth === basic));
      assert.ok(seen.filter((s) => s.method !== "GET").every((s) => s.requestedBy));

      const second = await run(env);
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stdout, /"changes":0/);
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
