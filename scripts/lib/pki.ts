/**
 * A throwaway PKI made with the openssl CLI, shaped like the one components/etcd/pki.ts makes
 * with @pulumi/tls: one ECDSA P-256 CA, member certificates (CN etcd-member, serverAuth and
 * clientAuth) and client certificates (the CN is the etcd user, components/etcd/access.ts).
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export interface CertFiles {
  cert: string;
  key: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"], timeout: 30_000 });
}

export function makeCa(dir: string): CertFiles {
  openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key"], dir);
  openssl(
    [
      "req",
      "-x509",
      "-new",
      "-key",
      "ca.key",
      "-sha256",
      "-days",
      "2",
      "-subj",
      "/O=switchyard/CN=test etcd CA",
      "-out",
      "ca.crt",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
    ],
    dir,
  );
  return { cert: join(dir, "ca.crt"), key: join(dir, "ca.key") };
}

export function makeLeaf(
  dir: string,
  ca: CertFiles,
  name: string,
  commonName: string,
  san: string[],
): CertFiles {
  openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", `${name}.key`], dir);
  openssl(
    ["req", "-new", "-key", `${name}.key`, "-subj", `/O=switchyard/CN=${commonName}`, "-out", `${name}.csr`],
    dir,
  );
  const ext = join(dir, `${name}.ext`);
  writeFileSync(
    ext,
    [
      "basicConstraints=CA:FALSE",
      "keyUsage=critical,digitalSignature,keyEncipherment",
      "extendedKeyUsage=serverAuth,clientAuth",
      ...(san.length ? [`subjectAltName=${san.join(",")}`] : []),
    ].join("\n") + "\n",
  );
  openssl(
    [
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      ca.cert,
      "-CAkey",
      ca.key,
      "-CAcreateserial",
      "-days",
      "2",
      "-sha256",
      "-extfile",
      ext,
      "-out",
      `${name}.crt`,
    ],
    dir,
  );
  return { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
}
