/**
 * A real InfluxDB 1.x (Debian's influxd) on loopback for the monitoring checks: free ports, a
 * temporary directory, the configuration the stack renders with only its paths and addresses
 * rewritten (so `reporting-disabled = true`, authentication and HTTPS come from the rendered
 * file). The certificate is made here by openssl: a throwaway CA and a leaf for localhost and
 * 127.0.0.1; every request trusts that CA alone.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "smol-toml";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Where a test InfluxDB answers, and the CA (PEM) its certificate is signed by. */
export interface InfluxEndpoint {
  port: number;
  ca: string;
}

export interface Influxd extends InfluxEndpoint {
  dir: string;
  /** The CA file (for the influx CLI's SSL_CERT_FILE). */
  caFile: string;
  stop(): void;
}

export interface TestCertificates {
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** A throwaway CA and a leaf certificate for localhost/127.0.0.1, made by openssl in `dir`. */
export function makeTestCertificates(dir: string): TestCertificates {
  const f = (n: string) => join(dir, n);
  const run = (args: string[]) => {
    const r = spawnSync("openssl", args, { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
  };
  run(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", f("ca.key")]);
  run([
    "req",
    "-x509",
    "-new",
    "-key",
    f("ca.key"),
    "-subj",
    "/CN=test CA",
    "-days",
    "2",
    "-out",
    f("ca.crt"),
  ]);
  run(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", f("tls.key")]);
  run(["req", "-new", "-key", f("tls.key"), "-subj", "/CN=localhost", "-out", f("tls.csr")]);
  writeFileSync(f("ext.cnf"), "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  run([
    "x509",
    "-req",
    "-in",
    f("tls.csr"),
    "-CA",
    f("ca.crt"),
    "-CAkey",
    f("ca.key"),
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    f("ext.cnf"),
    "-out",
    f("tls.crt"),
  ]);
  return { caFile: f("ca.crt"), certFile: f("tls.crt"), keyFile: f("tls.key") };
}

/**
 * Rewrites the rendered config for this machine: addresses, data paths and the certificate files
 * (to test ones); refuses one that would phone home or that does not serve HTTPS.
 */
export function localConfig(
  rendered: string,
  dir: string,
  httpPort: number,
  rpcPort: number,
  certs: TestCertificates,
): string {
  const doc = parse(rendered) as Record<string, Record<string, unknown> | unknown>;
  if (doc["reporting-disabled"] !== true)
    throw new Error("the rendered influxdb.conf does not disable reporting");
  const http = doc.http as Record<string, unknown>;
  if (http["https-enabled"] !== true) throw new Error("the rendered influxdb.conf does not serve HTTPS");
  http["https-certificate"] = certs.certFile;
  http["https-private-key"] = certs.keyFile;
  doc["bind-address"] = `127.0.0.1:${rpcPort}`;
  (doc.meta as Record<string, unknown>).dir = join(dir, "meta");
  Object.assign(doc.data as Record<string, unknown>, { dir: join(dir, "data"), "wal-dir": join(dir, "wal") });
  (doc.http as Record<string, unknown>)["bind-address"] = `127.0.0.1:${httpPort}`;
  return stringify(doc);
}

export async function startInfluxd(renderedConfig: string): Promise<Influxd> {
  const dir = mkdtempSync(join(tmpdir(), "switchyard-influxd-"));
  const [port, rpc] = [await freePort(), await freePort()];
  const configFile = join(dir, "influxdb.conf");
  const certs = makeTestCertificates(dir);
  const ca = readFileSync(certs.caFile, "utf8");
  writeFileSync(configFile, localConfig(renderedConfig, dir, port, rpc, certs));
  const child: ChildProcess = spawn("/usr/bin/influxd", ["-config", configFile], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, INFLUXDB_REPORTING_DISABLED: "true" },
  });
  let log = "";
  child.stderr?.on("data", (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      stop();
      throw new Error(`influxd exited (${child.exitCode}):\n${log}`);
    }
    try {
      const res = await request({ port, ca }, "GET", "/ping");
      if (res.status === 204) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      stop();
      throw new Error(`influxd did not answer /ping within 30 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { port, ca, caFile: certs.caFile, dir, stop };
}

/** One HTTPS request to the test InfluxDB, trusting its CA only (Node's own roots are not used). */
export function request(
  server: InfluxEndpoint,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: "localhost", port: server.port, method, path, headers, ca: server.ca, timeout: 30_000 },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on("error", reject);
    req.on("timeout", () => req.destroy(new Error("request timed out")));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/**
 * What a client without TLS, or trusting only the system's roots, gets: true when neither reaches
 * the API (a plain-HTTP request is answered 400 by Go's TLS listener, or the connection fails; the
 * certificate does not verify against public roots).
 */
export async function refusesUntrusted(
  server: InfluxEndpoint,
): Promise<{ plainHttp: boolean; publicRoots: boolean }> {
  let plainHttp = true;
  try {
    const res = await fetch(`http://127.0.0.1:${server.port}/ping`);
    plainHttp = res.status !== 204;
  } catch {
    plainHttp = true;
  }
  let publicRoots = true;
  try {
    const res = await fetch(`https://localhost:${server.port}/ping`);
    publicRoots = res.status !== 204;
  } catch {
    publicRoots = true;
  }
  return { plainHttp, publicRoots };
}

/** Runs the rendered setup script with the influx CLI, as the setup Job does (SSL_CERT_FILE: the CA). */
export function runSetupScript(script: string, server: Influxd, passwords: Record<string, string>): void {
  const result = spawnSync("/bin/sh", ["-c", script], {
    encoding: "utf8",
    timeout: 60_000,
    env: {
      PATH: process.env.PATH,
      INFLUX_HOST: "localhost",
      INFLUX_PORT: String(server.port),
      SSL_CERT_FILE: server.caFile,
      ...passwords,
    },
  });
  if (result.status !== 0)
    throw new Error(`setup script failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
}

export interface Series {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

const basic = (auth: { user: string; password: string }) =>
  `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString("base64")}`;

export async function query(
  server: InfluxEndpoint,
  auth: { user: string; password: string },
  db: string,
  q: string,
): Promise<Series[]> {
  const body = new URLSearchParams({ q, db, epoch: "s" }).toString();
  const res = await request(
    server,
    "POST",
    "/query",
    { authorization: basic(auth), "content-type": "application/x-www-form-urlencoded" },
    body,
  );
  const json = JSON.parse(res.text) as { results?: { series?: Series[]; error?: string }[]; error?: string };
  const err = json.error ?? json.results?.[0]?.error;
  if (err) throw new Error(`InfluxDB refused ${JSON.stringify(q)}: ${err}`);
  return json.results?.[0]?.series ?? [];
}

export async function write(
  server: InfluxEndpoint,
  auth: { user: string; password: string },
  db: string,
  lines: string[],
): Promise<void> {
  for (let i = 0; i < lines.length; i += 5000) {
    const res = await request(
      server,
      "POST",
      `/write?db=${encodeURIComponent(db)}&precision=s`,
      { authorization: basic(auth) },
      lines.slice(i, i + 5000).join("\n"),
    );
    if (res.status !== 204) throw new Error(`write to ${db} refused (${res.status}): ${res.text}`);
  }
}
