// The agent talks to an etcd that requires client certificates (mTLS), as in production.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { connectEtcd } from "../../../model/etcd/connection";
import { Testbed } from "../../../hosts/testbed";

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

test("the shared etcd connection takes TLS as files (host programs) or PEM text (the Route); half or both is refused", async () => {
  const tls = bed.etcd.tls!;
  const endpoints = bed.etcd.endpoints;
  const key = "/switchyard/v1/routes/secure.example.com";
  const pem = { ca: readFileSync(tls.caFile, "utf8"), cert: readFileSync(tls.clientCertFile, "utf8") };
  const forms = {
    files: { endpoints, caFile: tls.caFile, certFile: tls.clientCertFile, keyFile: tls.clientKeyFile },
    pem: { endpoints, ...pem, key: readFileSync(tls.clientKeyFile, "utf8") },
  };
  for (const [form, connection] of Object.entries(forms)) {
    const client = connectEtcd(connection);
    try {
      const route = await client.get(key).string();
      assert.match(route ?? "", /"app":"secure"/, `${form}: the route is readable`);
    } finally {
      client.close();
    }
  }
  assert.throws(
    () => connectEtcd({ ...forms.files, ca: pem.ca }),
    /give the CA bundle as a file or as PEM text, not both/,
  );
  assert.throws(
    () => connectEtcd({ endpoints, ca: pem.ca, cert: pem.cert }),
    /a client certificate needs its key/,
  );
  assert.throws(
    () => connectEtcd({ endpoints, caFile: `${tls.caFile}.missing` }),
    /cannot read the CA bundle file .*\.missing/,
  );
});
