// Tags as AWS will see them (policies/lib/tags.ts): provider default tags in either form the
// engine passes them, a resource's own tags over them, and roles read from own tags only.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { PolicyProviderResource } from "@pulumi/policy";
import { effectiveTags, hasRole, ownTags, providerDefaultTags } from "../../../policies/lib/tags";

const provider = (defaultTags: unknown) => ({ props: { defaultTags } }) as unknown as PolicyProviderResource;

describe("tags", () => {
  it("reads provider default tags as JSON text or as an object, ignoring what is not tags", () => {
    const tags = { Project: "switchyard", Stack: "prod" };
    assert.deepEqual(providerDefaultTags(provider(JSON.stringify({ tags }))), tags);
    assert.deepEqual(providerDefaultTags(provider({ tags: { ...tags, Count: 3 } })), tags);
    assert.deepEqual(providerDefaultTags(provider("{not json")), {});
    assert.deepEqual(providerDefaultTags(provider(undefined)), {});
    assert.deepEqual(providerDefaultTags(provider(JSON.stringify([tags]))), {});
    assert.deepEqual(providerDefaultTags(undefined), {});
  });

  it("own tags override default tags; auto-scaling groups list theirs as key/value pairs", () => {
    assert.deepEqual(
      effectiveTags(
        { tags: { Stack: "dev", Role: "etcd" } },
        provider({ tags: { Stack: "prod", Project: "p" } }),
      ),
      {
        Stack: "dev",
        Project: "p",
        Role: "etcd",
      },
    );
    const asg = {
      tags: [
        { key: "Role", value: "haproxy", propagateAtLaunch: true },
        { key: "Empty", value: "" },
        { value: "x" },
      ],
    };
    assert.deepEqual(ownTags(asg), { Role: "haproxy", Empty: "" });
  });

  it("a role is a Role tag whose value is listed", () => {
    assert.equal(hasRole({ tags: { Role: "loadBalancer" } }, ["loadBalancer"]), true);
    assert.equal(hasRole({ tags: { Role: "haproxy" } }, ["loadBalancer"]), false);
    assert.equal(hasRole({ tags: {} }, ["loadBalancer"]), false);
  });
});
