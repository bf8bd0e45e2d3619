import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { loadConfig } from "../../../hosts/agent/config";

const DEPLOY = resolve(__dirname, "../../../hosts/agent/deploy");

test("the example configuration file is valid", () => {
  const r = loadConfig(["--config", "agent.example.json"], () =>
    readFileSync(resolve(DEPLOY, "agent.example.json"), "utf8"),
  );
  assert.equal(r.kind, "config", r.kind === "error" ? r.message : "");
  if (r.kind === "config") assert.equal(r.config.etcdEndpoints.length, 3);
});
