/**
 * Command lines of the repo's scripts: each declares its flags once; parsing, the usage text and
 * the answer to a user mistake (one line naming it, then the usage, exit 1, never a stack trace)
 * come from here. Add a flag by adding an entry to the command's `flags`.
 */
import { parseArgs } from "node:util";
import { closest } from "../../components/config/suggest";

export interface FlagSpec {
  type: "string" | "boolean";
  /** One line for the usage text. */
  description: string;
  /** What a string flag's value is, shown in the usage: `--stack <name>`. */
  value?: string;
  default?: string | boolean;
  /** A string flag that may be repeated: its value is every occurrence, in order. */
  multiple?: boolean;
}

export type FlagSpecs = Record<string, FlagSpec>;

export type FlagValues<F extends FlagSpecs> = {
  [K in keyof F]: F[K]["type"] extends "boolean"
    ? boolean
    : F[K]["multiple"] extends true
      ? string[]
      : F[K]["default"] extends string
        ? string
        : string | undefined;
};

export interface Command<F extends FlagSpecs> {
  /** How the user runs it, e.g. `npm run plan --`. */
  invocation: string;
  flags: F;
  /** Lines after the flag list (exit codes, examples). */
  footer?: string;
}

/** A mistake on the command line (or in what it names): reported as one line plus the usage. */
export class UsageError extends Error {
  override name = "UsageError";
}

export function renderUsage<F extends FlagSpecs>(command: Command<F>): string {
  const synopsis = Object.entries(command.flags)
    .map(
      ([name, spec]) =>
        `[--${name}${spec.type === "string" ? ` <${spec.value ?? "value"}>` : ""}]${spec.multiple ? "..." : ""}`,
    )
    .join(" ");
  const rows = Object.entries(command.flags).map(([name, spec]) => {
    const left = `--${name}${spec.type === "string" ? ` <${spec.value ?? "value"}>` : ""}`;
    const dflt = spec.type === "string" && spec.default !== undefined ? ` (default ${spec.default})` : "";
    return [left, spec.description + dflt] as const;
  });
  rows.push(["--help", "print this help"]);
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  const lines = [
    `usage: ${command.invocation} ${synopsis} [--help]`,
    "",
    ...rows.map(([l, r]) => `  ${l.padEnd(width)}${r}`),
  ];
  if (command.footer) lines.push("", command.footer);
  return lines.join("\n");
}

/** Parses argv against the declared flags; throws UsageError for anything it does not declare. */
export function parseFlags<F extends FlagSpecs>(
  command: Command<F>,
  argv: string[],
): FlagValues<F> & { help: boolean } {
  const options = Object.fromEntries(
    Object.entries(command.flags).map(([name, spec]) => [name, { type: spec.type }]),
  );
  const { tokens } = parseArgs({
    args: argv,
    options: { ...options, help: { type: "boolean", short: "h" } },
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values: Record<string, string | string[] | boolean | undefined> = { help: false };
  for (const [name, spec] of Object.entries(command.flags))
    values[name] = spec.multiple ? [] : (spec.default ?? undefined);
  for (const token of tokens) {
    if (token.kind === "option-terminator") continue;
    if (token.kind === "positional")
      throw new UsageError(`unexpected argument ${JSON.stringify(token.value)} (flags start with --)`);
    if (token.name === "help") {
      values.help = true;
      continue;
    }
    const declared = spec(command, token.name);
    if (!declared) {
      const guess = closest(token.name, Object.keys(command.flags));
      throw new UsageError(`unknown flag ${token.rawName}${guess ? ` (did you mean --${guess}?)` : ""}`);
    }
    if (declared.type === "string") {
      if (token.value === undefined || token.value === "")
        throw new UsageError(
          `${token.rawName} expects a value: ${token.rawName} <${declared.value ?? "value"}>`,
        );
      if (declared.multiple) (values[token.name] as string[]).push(token.value);
      else values[token.name] = token.value;
    } else {
      if (token.value !== undefined)
        throw new UsageError(`${token.rawName} takes no value, got ${JSON.stringify(token.value)}`);
      values[token.name] = true;
    }
  }
  return values as FlagValues<F> & { help: boolean };
}

function spec<F extends FlagSpecs>(command: Command<F>, name: string): FlagSpec | undefined {
  return Object.hasOwn(command.flags, name) ? command.flags[name] : undefined;
}

/**
 * Runs a command's main: `--help` prints the usage; a UsageError (from parsing or from main)
 * prints `<invocation>: <message>` and the usage on stderr and exits 1. Other errors go to
 * `onError`, which returns the exit code. Exits only once stdout has drained, so a piped
 * document of a few hundred KB is not cut short.
 */
export function runCommand<F extends FlagSpecs>(
  command: Command<F>,
  main: (values: FlagValues<F>) => Promise<number>,
  onError: (err: unknown) => number,
): void {
  const exit = (code: number) => process.stdout.write("", () => process.exit(code));
  const run = async (): Promise<number> => {
    const values = parseFlags(command, process.argv.slice(2));
    if (values.help) {
      process.stdout.write(renderUsage(command) + "\n");
      return 0;
    }
    return main(values);
  };
  run().then(exit, (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\n\n${renderUsage(command)}\n`);
      exit(1);
    } else exit(onError(err));
  });
}
