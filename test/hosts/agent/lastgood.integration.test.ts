// When haproxy -c rejects a rendered configuration the agent keeps the last good one running.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Testbed, tempDir } from "../../../hosts/testbed";

let bed: Testbed;
const dir = tempDir("switchyard-lastgood");
const refuse = join(dir, "refuse");
const shim = join(dir, "haproxy");

before(async () => {
  // The real HAProxy, except that `haproxy -c` fails while the marker file exists.
  writeFileSync(
    shim,
    `#!/bin/sh\nif [ "$1" = "-c" ] && [ -e ${refuse} ]; then echo "[ALERT] refused by test" >&2; exit 1; fi\nexec /usr/sbin/haproxy "$@"\n`,
  );
  chmodSync(shim, 0o755);
  // No spares: a new app needs new backends, so a rendered config to reject.
  bed = await Testbed.start({
    agents: 1,
    etcdMembers: 1,
    agentFlags: [`--haproxy=${shim}`, "--spare-pairs=0"],
  });
  await bed.deployApp({ app: "old", host: "old.example.com" });
  await bed.waitForColour("old.example.com", "blue");
});

after(async () => {
  await bed?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("a configuration haproxy -c rejects is not applied; the error is reported; traffic continues", async () => {
  writeFileSync(refuse, "");
  const load = bed.startLoad(["old.example.com"], 4);
  await bed.deployApp({ app: "new", host: "new.example.com" });
  const [status] = await bed.waitForStatus("the error", (s) => s.lastError !== undefined);
  assert.match(
    status.lastError!,
    /haproxy -c rejected the new configuration; keeping the last good one: .*refused by test/,
  );
  assert.equal((await bed.colours("new.example.com"))[0], undefined);
  assert.deepEqual(await bed.colours("old.example.com"), ["blue"]);
  assert.match(await bed.agents[0].metrics(), /^switchyard_agent_apply_errors_total [1-9]/m);
  assert.equal(status.routes["new.example.com"].state, "pending");
  // Routes HAProxy can serve keep working, flips included.
  await bed.waitForHealth("old", "green", (n) => n === 1);
  await bed.setLiveColour("old.example.com", "green");
  await bed.waitForColour("old.example.com", "green");
  rmSync(refuse);
  await bed.waitForColour("new.example.com", "blue");
  await bed.waitForStatus("the error cleared", (s) => s.lastError === undefined);
  const result = await load.stop();
  assert.equal(result.failures, 0, result.failureSamples.join("\n"));
});
