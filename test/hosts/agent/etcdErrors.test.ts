// etcd's refusals in words an operator can act on (model/etcd/errors.ts): which permission on which
// key or range the certificate's etcd user lacks; other errors pass through unchanged.
import assert from "node:assert/strict";
import { test } from "node:test";
import { EtcdPermissionDeniedError, EtcdUserNotFoundError } from "etcd3";
import { explainEtcdError, isAccessDenied } from "../../../model/etcd/errors";

test("a permission refusal names the permission and the key, prefix or range", () => {
  const denied = new EtcdPermissionDeniedError("etcdserver: permission denied");
  const explain = (access: Parameters<typeof explainEtcdError>[2]) =>
    (explainEtcdError(denied, "write the route", access) as Error).message;
  const prefix =
    "etcd refused to write the route: permission denied; the etcd user of this client's certificate (its CN) needs";
  assert.equal(
    explain({ permission: "readwrite", key: "/switchyard/v1/routes/a" }),
    `${prefix} readwrite on /switchyard/v1/routes/a`,
  );
  assert.equal(
    explain({ permission: "read", key: "/switchyard/v1/", range: "prefix" }),
    `${prefix} read on the prefix /switchyard/v1/`,
  );
  assert.equal(explain({ permission: "read", key: "/a", range: "/b" }), `${prefix} read on [/a, /b)`);
  assert.equal((explainEtcdError(denied, "x", { permission: "read", key: "/a" }) as Error).cause, denied);
});

test("an unknown user is told to use the certificate issued for its role", () => {
  const unknown = new EtcdUserNotFoundError("etcdserver: user name not found");
  const e = explainEtcdError(unknown, "read agent status", {
    permission: "read",
    key: "/switchyard/v1/agents/",
    range: "prefix",
  }) as Error;
  assert.equal(
    e.message,
    "etcd refused to read agent status: authentication is on and no etcd user matches the CN of this client's certificate; it needs a user with read on the prefix /switchyard/v1/agents/ (use the certificate issued for this role)",
  );
  assert.equal(e.cause, unknown);
});

test("other errors pass through unchanged and are not access refusals", () => {
  const down = new Error("connect ECONNREFUSED 127.0.0.1:2379");
  assert.equal(explainEtcdError(down, "x", { permission: "read", key: "/a" }), down);
  assert.equal(isAccessDenied(down), false);
  assert.equal(isAccessDenied(new EtcdPermissionDeniedError("denied")), true);
  assert.equal(isAccessDenied(new EtcdUserNotFoundError("no user")), true);
});
