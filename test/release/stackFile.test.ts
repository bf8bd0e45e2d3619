import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { parse } from "yaml";
import { promote, rollback, setIdleImage, StackFile } from "../../scripts/lib/release/stackFile";
import { ROOT } from "../helpers/plan";

const STACK = `# Production (comment kept)
config:
  aws:region: eu-west-1
  switchyard:etcd:
    deployRunnerCidrs: [10.100.0.0/24]   # flow list, unpadded
  switchyard:apps:
    shop:
      host: shop.example.com
      # the colour serving traffic
      live: blue
      blue:
        image: ghcr.io/switchyard/shop:1.4.2
        replicas: 3
      green:
        image: "ghcr.io/switchyard/shop:1.5.0"   # quoted on purpose
        replicas: 3
      resources:
        requests: { cpu: 250m, memory: 256Mi }
`;

const lines = (s: string) => s.split("\n");
/** Lines that differ between two texts of the same line count. */
const changed = (a: string, b: string) => lines(b).filter((l, i) => l !== lines(a)[i]);

describe("release edits of a stack file", () => {
  test("release puts the image on the idle colour and changes nothing else", () => {
    const file = new StackFile(STACK);
    const r = setIdleImage(file, "shop", "ghcr.io/switchyard/shop:1.6.0");
    assert.equal(r.changed, true);
    const out = file.toString();
    assert.deepEqual(changed(STACK, out), [
      "        image: ghcr.io/switchyard/shop:1.6.0   # quoted on purpose",
    ]);
    assert.equal(parse(out).config["switchyard:apps"].shop.green.image, "ghcr.io/switchyard/shop:1.6.0");
  });

  test("promote flips live and records when and from which colour; rollback flips back inside the warm window", () => {
    const file = new StackFile(STACK);
    setIdleImage(file, "shop", "ghcr.io/switchyard/shop:1.6.0");
    const t0 = new Date("2026-12-01T10:00:00.000Z");
    promote(file, "shop", t0);
    const promoted = file.toString();
    assert.ok(promoted.includes("      live: green # promoted 2026-12-01T10:00:00.000Z from blue\n"));
    assert.ok(
      promoted.startsWith("# Production (comment kept)\n") &&
        promoted.includes("      # the colour serving traffic\n"),
    );
    const back = new StackFile(promoted);
    rollback(back, "shop", new Date(t0.getTime() + 1799_000));
    const rolled = back.toString();
    assert.equal(parse(rolled).config["switchyard:apps"].shop.live, "blue");
    assert.match(rolled, /live: blue # rolled back 2026-12-01T10:29:59\.000Z from green/);
    assert.deepEqual(
      changed(STACK, rolled).length,
      2,
      "only live and the idle image differ from the original",
    );
  });

  test("refusals: unknown app, promoting an unchanged image, rollback after the warm window or without a promotion", () => {
    assert.throws(
      () => setIdleImage(new StackFile(STACK), "cart", "x:1"),
      /unknown app "cart" \(switchyard:apps has shop\)/,
    );
    const same = new StackFile(STACK.replace("shop:1.5.0", "shop:1.4.2"));
    assert.throws(
      () => promote(same, "shop", new Date()),
      /refusing to promote green: it runs the same image as blue/,
    );
    assert.throws(() => rollback(new StackFile(STACK), "shop", new Date()), /no promotion recorded/);
    const file = new StackFile(STACK);
    promote(file, "shop", new Date("2026-12-01T10:00:00Z"));
    assert.throws(
      () => rollback(new StackFile(file.toString()), "shop", new Date("2026-12-01T10:30:01Z")),
      /warm window \(1800 s after the promotion at 2026-12-01T10:00:00.000Z\) closed at 2026-12-01T10:30:00.000Z/,
    );
    assert.throws(
      () => setIdleImage(new StackFile(STACK), "shop", "ghcr.io/switchyard/shop:1.4.2"),
      /already live on blue/,
    );
  });

  test("the command edits a copy of prod's stack file, keeps its comments and prints the pulumi up to run", () => {
    const copy = join(mkdtempSync(join(tmpdir(), "switchyard-release-")), "Pulumi.prod.yaml");
    const original = readFileSync(join(ROOT, "Pulumi.prod.yaml"), "utf8");
    writeFileSync(copy, original);
    const run = (...args: string[]) =>
      spawnSync(
        process.execPath,
        ["--import", "tsx", join(ROOT, "scripts/release.ts"), ...args, "--stack-file", copy],
        {
          cwd: ROOT,
          encoding: "utf8",
          env: { ...process.env, PATH: "/usr/bin:/bin" },
        },
      );
    const release = run("shop", "--image", "ghcr.io/switchyard/shop:2.0.0");
    assert.equal(release.status, 0, release.stderr);
    assert.match(release.stdout, /next: pulumi up --stack prod --config-file .*Pulumi\.prod\.yaml --yes/);
    const edited = readFileSync(copy, "utf8");
    assert.deepEqual(changed(original, edited), ["        image: ghcr.io/switchyard/shop:2.0.0"]);
    for (const comment of original.split("\n").filter((l) => l.trim().startsWith("#")))
      assert.ok(edited.includes(comment));
    const bad = run("--promote", "nope");
    assert.equal(bad.status, 1);
    assert.equal(bad.stderr.trim(), 'release: unknown app "nope" (switchyard:apps has shop)');
    const usage = run("shop");
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /^release: expected --image IMAGE for the release of shop\nusage:/);
  });
});
