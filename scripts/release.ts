/**
 * The build pipeline's release command (docs/releases.md):
 *
 *   npm run release -- APP --image IMAGE [--stack S]   # the image goes on the idle colour
 *   npm run release -- --promote APP [--stack S]       # the idle colour becomes live
 *   npm run release -- --rollback APP [--stack S]      # back to the old colour while it is warm
 *   npm run release -- --status APP --etcd-endpoints URL[,URL] [--etcd-ca F --etcd-cert F --etcd-key F]
 *
 * Each step edits Pulumi.<S>.yaml (comments and layout kept) and then runs `pulumi up` for the
 * stack through the Automation API when the Pulumi CLI is installed, or prints the exact command.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { connectEtcd } from "../model/etcd/connection";
import { hostOf, promote, ReleaseError, rollback, setIdleImage, StackFile } from "./lib/release/stackFile";
import { readAppStatus, renderAppStatus } from "./lib/release/status";

const USAGE = `usage: npm run release -- APP --image IMAGE [--stack S] [--stack-file F] [--no-up]
       npm run release -- --promote APP | --rollback APP [--stack S] [--stack-file F] [--no-up]
       npm run release -- --status APP [--stack S] --etcd-endpoints URL[,URL] [--etcd-ca F --etcd-cert F --etcd-key F] [--json]`;

class UsageError extends Error {}

function options() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        image: { type: "string" },
        promote: { type: "string" },
        rollback: { type: "string" },
        status: { type: "string" },
        stack: { type: "string", default: "prod" },
        "stack-file": { type: "string" },
        "no-up": { type: "boolean", default: false },
        "etcd-endpoints": { type: "string", default: process.env.SWITCHYARD_ETCD_ENDPOINTS },
        "etcd-ca": { type: "string", default: process.env.SWITCHYARD_ETCD_CA },
        "etcd-cert": { type: "string", default: process.env.SWITCHYARD_ETCD_CERT },
        "etcd-key": { type: "string", default: process.env.SWITCHYARD_ETCD_KEY },
        json: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

type Mode =
  { kind: "release"; app: string; image: string } | { kind: "promote" | "rollback" | "status"; app: string };

function modeOf(values: ReturnType<typeof options>["values"], positionals: string[]): Mode {
  const chosen = (["promote", "rollback", "status"] as const).filter((k) => values[k] !== undefined);
  if (chosen.length > 1)
    throw new UsageError(`choose one of --promote, --rollback, --status (got ${chosen.join(", ")})`);
  if (chosen.length === 1) {
    if (positionals.length > 0 || values.image)
      throw new UsageError(`--${chosen[0]} takes only the app name`);
    return { kind: chosen[0], app: values[chosen[0]]! };
  }
  if (positionals.length !== 1) throw new UsageError("expected one app name");
  if (!values.image) throw new UsageError(`expected --image IMAGE for the release of ${positionals[0]}`);
  return { kind: "release", app: positionals[0], image: values.image };
}

function pulumiCliPresent(): boolean {
  return spawnSync("pulumi", ["version"], { stdio: "ignore" }).status === 0;
}

async function applyStack(
  root: string,
  stack: string,
  stackFile: string,
  defaultFile: boolean,
): Promise<void> {
  const command = defaultFile
    ? `pulumi up --stack ${stack} --yes`
    : `pulumi up --stack ${stack} --config-file ${stackFile} --yes`;
  if (!defaultFile || !pulumiCliPresent()) {
    console.log(`next: ${command}   (in ${root})`);
    return;
  }
  // Loaded only here: the Automation API pulls in much of the SDK.
  const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
  const ws = await LocalWorkspace.selectStack({ stackName: stack, workDir: root });
  console.log(`running: ${command}`);
  const result = await ws.up({ onOutput: (out) => process.stdout.write(out) });
  console.log(`pulumi up: ${result.summary.result}`);
}

async function main(): Promise<number> {
  const { values, positionals } = options();
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const mode = modeOf(values, positionals);
  const root = resolve(__dirname, "..");
  const defaultFile = values["stack-file"] === undefined;
  const stackFile = resolve(values["stack-file"] ?? `${root}/Pulumi.${values.stack}.yaml`);
  let text: string;
  try {
    text = readFileSync(stackFile, "utf8");
  } catch {
    throw new UsageError(`no stack file ${stackFile}`);
  }
  const file = new StackFile(text);

  if (mode.kind === "status") {
    const endpoints = values["etcd-endpoints"]?.split(",").filter(Boolean) ?? [];
    if (endpoints.length === 0)
      throw new UsageError("--status needs --etcd-endpoints (or SWITCHYARD_ETCD_ENDPOINTS)");
    const client = connectEtcd({
      endpoints,
      caFile: values["etcd-ca"],
      certFile: values["etcd-cert"],
      keyFile: values["etcd-key"],
    });
    try {
      const status = await readAppStatus(client, mode.app, hostOf(file.doc, mode.app));
      console.log(values.json ? JSON.stringify(status) : renderAppStatus(status));
    } finally {
      client.close();
    }
    return 0;
  }

  const now = new Date();
  const result =
    mode.kind === "release"
      ? setIdleImage(file, mode.app, mode.image)
      : mode.kind === "promote"
        ? promote(file, mode.app, now)
        : rollback(file, mode.app, now);
  console.log(result.message);
  if (!result.changed) return 0;
  writeFileSync(stackFile, file.toString());
  if (!values["no-up"]) await applyStack(root, values.stack!, stackFile, defaultFile);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) console.error(`release: ${err.message}\n${USAGE}`);
    else if (err instanceof ReleaseError) console.error(`release: ${err.message}`);
    else console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
