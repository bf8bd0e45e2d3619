/**
 * The GELF Lua filter, run for real in Lua 5.4 (Fluent Bit embeds LuaJIT; the script keeps to
 * what both have) against records shaped like Fluent Bit hands them over: a container's JSON line
 * after the Kubernetes filter merged it, a plain line, a stack trace, a journal entry.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { GELF_FUNCTION, GELF_LUA } from "../../components/common/fluentbit/lua";
import { LOG_FORMAT } from "../../components/logging/types";

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** A JS value as a Lua literal (tables for objects and arrays). */
function lua(v: Json): string {
  if (v === null) return "nil";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `{ ${v.map(lua).join(", ")} }`;
  return `{ ${Object.entries(v)
    .map(([k, x]) => `[${JSON.stringify(k)}] = ${lua(x)}`)
    .join(", ")} }`;
}

// Calls the filter on each record and prints code, timestamp and record as JSON, one per line.
const HARNESS = `
local function enc(v)
  local t = type(v)
  if t == "nil" then return "null" end
  if t == "boolean" then return tostring(v) end
  if t == "number" then
    if v == math.floor(v) then return string.format("%d", v) end
    return tostring(v)
  end
  if t == "string" then
    return '"' .. v:gsub('[%c"\\\\]', function(c) return string.format("\\\\u%04x", c:byte()) end) .. '"'
  end
  local keys = {}
  for k in pairs(v) do keys[#keys + 1] = k end
  table.sort(keys)
  local parts = {}
  for _, k in ipairs(keys) do parts[#parts + 1] = enc(k) .. ":" .. enc(v[k]) end
  return "{" .. table.concat(parts, ",") .. "}"
end
for _, case in ipairs(CASES) do
  local code, ts, record = ${GELF_FUNCTION}(case.tag, 1700000000.5, case.record)
  print(enc({ code = code, ts = ts, record = record }))
end
`;

function run(cases: { tag: string; record: Json }[], env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "gelf-lua-"));
  const file = join(dir, "run.lua");
  writeFileSync(file, `${GELF_LUA}\nCASES = ${lua(cases as unknown as Json)}\n${HARNESS}`);
  const out = spawnSync("lua5.4", [file], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", ...env },
  });
  assert.equal(out.status, 0, out.stderr);
  return out.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { code: number; ts: number; record: Record<string, Json> });
}

describe("GELF Lua filter (lua5.4)", () => {
  const kubernetes = {
    host: "ip-10-20-1-5.eu-west-1.compute.internal",
    namespace_name: "apps",
    pod_name: "shop-blue-1",
  };

  test("a merged JSON line gets short_message from its message, a numeric level and the node as host", () => {
    const [r] = run([
      {
        tag: "kube.var.log.containers.shop",
        record: { message: "order 42 paid", level: "warn", stream: "stdout", kubernetes },
      },
    ]);
    assert.equal(r.code, 2, "modified record, original timestamp");
    assert.equal(r.ts, 1700000000.5);
    assert.equal(r.record[LOG_FORMAT.messageKey], "order 42 paid");
    assert.equal(r.record[LOG_FORMAT.levelKey], 4);
    assert.equal(r.record.level_name, "warn");
    assert.equal(r.record[LOG_FORMAT.hostKey], kubernetes.host);
  });

  test("a JSON line with none of the message keys still gets a short_message", () => {
    const [r] = run([
      { tag: "kube.var.log.containers.job", record: { event: "tick", count: 3, kubernetes } },
    ]);
    assert.match(String(r.record.short_message), /^\(empty record from kube\.var\.log\.containers\.job\)$/);
    assert.equal(r.record.event, "tick", "fields are kept");
    assert.equal(r.record.level, undefined, "no level invented");
  });

  test("a plain line loses its trailing newline; msg and log are used in that order", () => {
    const rs = run([
      { tag: "kube.a", record: { log: "GET /healthz 200\n", stream: "stdout", kubernetes } },
      { tag: "kube.b", record: { msg: "from msg", log: "from log", kubernetes } },
      { tag: "kube.c", record: { log: "   ", message: "", kubernetes } },
    ]);
    assert.equal(rs[0].record.short_message, "GET /healthz 200");
    assert.equal(rs[0].record.full_message, undefined, "one line: no full_message");
    assert.equal(rs[1].record.short_message, "from msg");
    assert.equal(rs[2].record.short_message, "(empty record from kube.c)", "blank text is no message");
  });

  test("a multi-line message keeps its first line as short_message and all of it as full_message", () => {
    const trace =
      'Exception in thread "main" java.lang.IllegalStateException: boom\n\tat Shop.pay(Shop.java:42)\n';
    const [r] = run([{ tag: "kube.shop", record: { log: trace, kubernetes } }]);
    assert.equal(r.record.short_message, 'Exception in thread "main" java.lang.IllegalStateException: boom');
    assert.equal(r.record.full_message, trace.trimEnd());
  });

  test("a journal entry: MESSAGE, PRIORITY as the level, _HOSTNAME as host", () => {
    const [r] = run([
      {
        tag: "host.haproxy",
        record: {
          MESSAGE: "Server app/blue-1 is DOWN",
          PRIORITY: "3",
          _HOSTNAME: "edge-blue-1",
          _SYSTEMD_UNIT: "haproxy.service",
        },
      },
    ]);
    assert.equal(r.record.short_message, "Server app/blue-1 is DOWN");
    assert.equal(r.record.level, 3);
    assert.equal(r.record.host, "edge-blue-1");
  });

  test("levels outside 0-7 or unknown names are dropped rather than sent (GELF rejects them)", () => {
    const rs = run([
      { tag: "kube.a", record: { message: "x", level: 9, kubernetes } },
      { tag: "kube.b", record: { message: "x", level: "chatty", severity: "ERROR", kubernetes } },
      { tag: "kube.c", record: { message: "x", level: "banana", kubernetes } },
    ]);
    assert.equal(rs[0].record.level, undefined);
    assert.equal(rs[1].record.level, 3, "falls back to the next key");
    assert.equal(rs[2].record.level, undefined);
    assert.equal(rs[2].record.level_name, "banana");
  });

  test("without node metadata the host comes from NODE_NAME; an existing short_message is kept", () => {
    const [r, s] = run(
      [
        { tag: "kube.x", record: { log: "no metadata" } },
        { tag: "kube.y", record: { short_message: "already gelf", host: "app-7d9f" } },
      ],
      { NODE_NAME: "ip-10-20-2-7" },
    );
    assert.equal(r.record.host, "ip-10-20-2-7");
    assert.equal(s.record.short_message, "already gelf");
    assert.equal(s.record.host, "app-7d9f");
  });
});
