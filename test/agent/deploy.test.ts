import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { loadConfig } from "../../agent/src/config";

const DEPLOY = resolve(__dirname, "../../agent/deploy");

test("the systemd unit passes systemd-analyze verify and keeps HAProxy alive across restarts", () => {
  const unit = resolve(DEPLOY, "switchyard-agent.service");
  execFileSync("systemd-analyze", ["verify", unit], { stdio: "pipe", timeout: 30_000 });
  const text = readFileSync(unit, "utf8");
  assert.match(text, /^KillMode=process$/m);
  assert.match(text, /--config \/etc\/switchyard\/agent\.json/);
});

test("the example configuration file is valid", () => {
  const r = loadConfig(["--config", "agent.example.json"], () =>
    readFileSync(resolve(DEPLOY, "agent.example.json"), "utf8"),
  );
  assert.equal(r.kind, "config", r.kind === "error" ? r.message : "");
  if (r.kind === "config") assert.equal(r.config.etcdEndpoints.length, 3);
});
