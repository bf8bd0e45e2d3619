import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { parse } from "yaml";
import { ROOT } from "../helpers/plan";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- workflows are free-form YAML
type Doc = Record<string, any>;
const DIR = join(ROOT, ".github/workflows");
const read = (name: string) => ({
  text: readFileSync(join(DIR, name), "utf8"),
  doc: parse(readFileSync(join(DIR, name), "utf8")) as Doc,
});
const files = readdirSync(DIR).filter((f) => f.endsWith(".yml"));

/** The only scopes any job may hold, and which of them may be `write`. */
const WRITABLE = new Set(["id-token", "pull-requests"]);

describe("GitHub workflows", () => {
  test("the preview, release, app-stack and mutation workflows exist and parse", () => {
    assert.deepEqual(files.sort(), ["app-stack.yml", "mutation.yml", "preview.yml", "release.yml"]);
  });

  for (const file of files) {
    test(`${file}: no default token scopes; each job asks for the least it needs`, () => {
      const { doc } = read(file);
      assert.deepEqual(doc.permissions, {}, "top-level permissions must be {} (jobs opt in)");
      for (const [name, job] of Object.entries(doc.jobs as Doc)) {
        assert.equal(typeof job.permissions, "object", `${name} declares its permissions`);
        for (const [scope, level] of Object.entries(job.permissions as Record<string, string>)) {
          if (level === "write")
            assert.ok(WRITABLE.has(scope), `${name}: ${scope}: write is more than it needs`);
          else assert.equal(level, "read", `${name}: ${scope}: ${level}`);
        }
        const uses = (job.steps as Doc[]).map((s) => s.uses).filter(Boolean);
        const needsToken = uses.some((u: string) => u.startsWith("aws-actions/configure-aws-credentials@"));
        assert.equal(
          job.permissions["id-token"] === "write",
          needsToken,
          `${name}: id-token only where OIDC is used`,
        );
      }
    });

    test(`${file}: every action is pinned to a full commit SHA with its release noted`, () => {
      const { text, doc } = read(file);
      for (const job of Object.values(doc.jobs as Doc))
        for (const step of job.steps as Doc[]) {
          if (!step.uses) continue;
          assert.match(step.uses, /^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/, step.uses);
          const line = text.split("\n").find((l) => l.includes(step.uses))!;
          assert.match(line, /# v\d+\.\d+\.\d+$/, `${step.uses} carries its version as a comment`);
        }
    });
  }

  test("preview runs on pull requests: checks, then the offline diff of touched stacks in one sticky comment", () => {
    const { doc } = read("preview.yml");
    assert.deepEqual(Object.keys(doc.on), ["pull_request"]);
    const checks = (doc.jobs.checks.steps as Doc[]).map((s) => s.run).filter(Boolean);
    for (const cmd of ["npm ci", "npm run typecheck", "npm run lint"]) assert.ok(checks.includes(cmd), cmd);
    assert.ok(checks.some((c: string) => c.startsWith("npm test")));
    const plan = doc.jobs.plan;
    assert.deepEqual(plan.needs, "checks");
    const offline = (plan.steps as Doc[]).find((s) => s.id === "offline")!;
    assert.match(offline.run, /npm run --silent plan -- --stack "\$stack" --diff "\$base"/);
    const preview = (plan.steps as Doc[]).find((s) => s.id === "preview")!;
    assert.equal(preview.if, "vars.AWS_ROLE_ARN != ''", "the cloud preview runs only with an OIDC role");
    assert.equal(preview.with.command, "preview");
    assert.equal(preview.with.policyPacks, "./policies");
    assert.equal(preview.with.diff, true);
    const comment = (plan.steps as Doc[]).find((s) => s.name === "Sticky comment")!;
    assert.match(comment.with.script, /switchyard-plan/);
    assert.match(comment.with.script, /updateComment/);
  });

  test("release: pulumi up staging on push to main, then production behind its environment", () => {
    const { doc } = read("release.yml");
    assert.deepEqual(doc.on, { push: { branches: ["main"] } });
    assert.equal(doc.jobs.staging.environment, "staging");
    assert.equal(doc.jobs.production.environment, "production");
    assert.equal(doc.jobs.production.needs, "staging");
    for (const [job, stack] of [
      ["staging", "staging"],
      ["production", "prod"],
    ]) {
      const up = (doc.jobs[job].steps as Doc[]).find((s) => String(s.uses).startsWith("pulumi/actions@"))!;
      assert.deepEqual([up.with.command, up.with["stack-name"]], ["up", stack]);
    }
    assert.equal(doc.concurrency["cancel-in-progress"], false, "an up is never cancelled half-way");
  });

  test("the app-stack template previews on pull requests and ups on merge, scoped to its directory", () => {
    const { doc } = read("app-stack.yml");
    assert.deepEqual(doc.on.pull_request.paths, ["examples/app-stack/**"]);
    assert.deepEqual(doc.on.push.paths, ["examples/app-stack/**"]);
    for (const job of ["preview", "up"]) {
      const step = (doc.jobs[job].steps as Doc[]).find((s) => String(s.uses).startsWith("pulumi/actions@"))!;
      assert.equal(step.with["work-dir"], "${{ env.APP_STACK_DIR }}");
    }
    assert.equal(doc.env.APP_STACK_DIR, "examples/app-stack");
  });
});
