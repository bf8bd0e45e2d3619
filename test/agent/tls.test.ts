// The agent talks to an etcd that requires client certificates (mTLS), as in production.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { connectEtcd } from "../../hosts/runtime/etcd";
import { Testbed } from "../../hosts/testbed";

let bed: Testbed;

before(async () => {
  bed = await Testbed.start({ agents: 1, etcdMembers: 1, etcdTls: true });
});

after(async () => {
  await bed?.stop();
});

test("with mTLS to etcd the agent routes and flips, and a client without a certificate is refused", async () => {
  assert.match(bed.etcd.endpoints[0], /^https:\/\//);
  await bed.deployApp({ app: "secure", host: "secure.example.com" });
  await bed.waitForColour("secure.example.com", "blue");
  await bed.waitForHealth("secure", "green", (n) => n === 1);
  await bed.setLiveColour("secure.example.com", "green");
  await bed.waitForColour("secure.example.com", "green");
  const anonymous = connectEtcd({ endpoints: bed.etcd.endpoints, caFile: bed.etcd.tls!.caFile });
  try {
    await assert.rejects(anonymous.get("/switchyard/v1/routes/secure.example.com").string());
  } finally {
    anonymous.close();
  }
});
