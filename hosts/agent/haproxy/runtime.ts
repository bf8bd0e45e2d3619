/** A client for HAProxy's Runtime API (admin socket) and master CLI over unix sockets. */
import { createConnection } from "node:net";

const PROMPT = "\n> ";

/** Success answers of `set server ... addr` are informational text; everything else must be silent. */
export function commandFailed(command: string, answer: string): boolean {
  if (answer.trim() === "") return false;
  if (/^set server \S+ addr /.test(command)) return !/changed from|no need to change/.test(answer);
  return /^(set|add|del) (server|map) /.test(command);
}

/** Sends one or more commands over a single connection in prompt mode and returns one answer each. */
export function runtimeCommands(
  socketPath: string,
  commands: string[],
  timeoutMs = 10_000,
): Promise<string[]> {
  for (const c of commands) {
    if (c.includes("\n") || c.includes(";")) throw new Error(`refusing a multi-command line: ${c}`);
  }
  return new Promise((resolve, reject) => {
    const sock = createConnection(socketPath);
    const chunks: string[] = [];
    let buffered = "";
    const timer = setTimeout(
      () => sock.destroy(new Error(`runtime API timeout on ${socketPath}`)),
      timeoutMs,
    );
    sock.setEncoding("utf8");
    sock.on("connect", () => sock.write(`prompt\n${commands.join("\n")}\n`));
    sock.on("data", (data: string) => {
      buffered += data;
      let i: number;
      while ((i = buffered.indexOf(PROMPT)) >= 0) {
        chunks.push(buffered.slice(0, i));
        buffered = buffered.slice(i + PROMPT.length);
      }
      // The first prompt answers "prompt" itself.
      if (chunks.length === commands.length + 1) {
        clearTimeout(timer);
        sock.end("quit\n");
        resolve(chunks.slice(1).map((c) => c.replace(/^\n/, "")));
      }
    });
    sock.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.on("close", () => {
      clearTimeout(timer);
      reject(
        new Error(`runtime API connection closed after ${chunks.length - 1} of ${commands.length} answers`),
      );
    });
  });
}

/** Runs commands and throws with the first failure, so a batch is never half-trusted. */
export async function applyCommands(socketPath: string, commands: string[]): Promise<void> {
  if (commands.length === 0) return;
  const answers = await runtimeCommands(socketPath, commands);
  const failed = commands.findIndex((c, i) => commandFailed(c, answers[i]));
  if (failed >= 0) throw new Error(`runtime API: "${commands[failed]}" failed: ${answers[failed].trim()}`);
}

/** One command on the master CLI, which closes the connection after answering. */
export function masterCommand(socketPath: string, command: string, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = createConnection(socketPath);
    let out = "";
    const timer = setTimeout(() => sock.destroy(new Error(`master CLI timeout on ${socketPath}`)), timeoutMs);
    sock.setEncoding("utf8");
    sock.on("connect", () => sock.write(`${command}\n`));
    sock.on("data", (d: string) => (out += d));
    sock.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.on("close", () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}
