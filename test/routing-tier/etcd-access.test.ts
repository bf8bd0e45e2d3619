/**
 * The identities (components/etcd/access.ts) and the members' rendered role bootstrap, as pure
 * functions: the real-cluster proof is etcd-auth.test.ts.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  BACKUP,
  DEPLOYER,
  REGISTRAR,
  agentIdentity,
  etcdIdentities,
  prefixEnd,
  type EtcdIdentity,
} from "../../components/etcd/access";
import { renderAuthBootstrapScript } from "../../components/etcd/render/scripts";
import { agentStatusKey, memberKey, routeKey } from "../../model/etcd/schema";
import { bashSyntax } from "./helpers/host";

const writes = (id: EtcdIdentity, key: string) =>
  id.role === "root" || id.permissions.some((p) => p.type === "readwrite" && p.key <= key && key < p.end);

describe("etcd identities", () => {
  test("a prefix's range end is the prefix with its last byte incremented", () => {
    assert.equal(prefixEnd("/switchyard/v1/routes/"), "/switchyard/v1/routes0");
    assert.equal(prefixEnd("/switchyard/v1/agents/blue-"), "/switchyard/v1/agents/blue.");
  });

  test("every key of the schema has exactly one writer among the non-root identities", () => {
    const keys = {
      [routeKey("shop.example.com")]: DEPLOYER.user,
      [memberKey("shop", "blue", "m1")]: REGISTRAR.user,
      [agentStatusKey("blue-ip-10-0-1-2")]: agentIdentity("blue").user,
      [agentStatusKey("green-ip-10-0-1-2")]: agentIdentity("green").user,
      [agentStatusKey("ip-10-0-1-2")]: undefined,
    };
    const clients = etcdIdentities().filter((i) => i.role !== "root");
    for (const [key, writer] of Object.entries(keys)) {
      assert.deepEqual(
        clients.filter((i) => writes(i, key)).map((i) => i.user),
        writer ? [writer] : [],
        key,
      );
    }
  });

  test("users are distinct and only the backup identity has the root role", () => {
    const ids = etcdIdentities();
    assert.equal(new Set(ids.map((i) => i.user)).size, ids.length);
    assert.deepEqual(
      ids.filter((i) => i.role === "root").map((i) => i.user),
      [BACKUP.user],
    );
    assert.ok(!ids.some((i) => i.user === "root"), "root gets no certificate");
  });
});

describe("the members' role bootstrap script", () => {
  const script = renderAuthBootstrapScript(etcdIdentities());
  const lines = script.split("\n");
  const at = (needle: string) => {
    const i = lines.findIndex((l) => l.startsWith(needle));
    assert.ok(i >= 0, `missing: ${needle}`);
    return i;
  };

  test("is valid bash", () => {
    const r = bashSyntax(script);
    assert.equal(r.status, 0, r.output);
  });

  test("creates root without a password and the backup identity before anything else, auth last", () => {
    const enable = at("ensure auth enable");
    assert.equal(enable, Math.max(...lines.map((l, i) => (l.startsWith("ensure ") ? i : -1))));
    assert.ok(at("ensure user add 'root' --no-password") < at("ensure user grant-role 'root' root"));
    const backup = at(`ensure user grant-role '${BACKUP.user}' 'root'`);
    assert.ok(backup < at("ensure role add"), "the backup identity exists before other roles");
  });

  test("grants each identity exactly its ranges, users without passwords", () => {
    for (const id of etcdIdentities()) {
      at(`ensure user add '${id.user}' --no-password`);
      at(`ensure user grant-role '${id.user}' '${id.role}'`);
      for (const p of id.permissions)
        at(`ensure role grant-permission '${id.role}' ${p.type} '${p.key}' '${p.end}'`);
    }
    assert.doesNotMatch(script.replaceAll("--no-password", ""), /password|passwd/);
  });

  test("refuses a name that would need shell quoting", () => {
    const bad = { ...REGISTRAR, user: "x'; rm -rf /" };
    assert.throws(() => renderAuthBootstrapScript([bad]), /unsafe etcd name or key/);
  });
});
