// What the user-data secrets policy finds (policies/lib/userData.ts): key material, literal values
// of secret-named keys in the forms scripts and configs use, and user-data in base64 or gzip.
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { describe, it } from "node:test";
import { decodeBase64UserData, secretsIn } from "../../../policies/lib/userData";

describe("secrets in user-data", () => {
  it("finds private keys, AWS access key ids and AWS secret keys", () => {
    for (const [text, what] of [
      ["-----BEGIN PRIVATE KEY-----\nMIIE", "a private key"],
      ["-----BEGIN RSA PRIVATE KEY-----", "a private key"],
      ["-----BEGIN OPENSSH PRIVATE KEY-----", "a private key"],
      ["export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "an AWS access key id"],
      ["aws_secret_access_key=wJalrXUtnFEMI", "an AWS secret access key"],
      ["aws_secret_access_key = wJalrXUtnFEMI", "an AWS secret access key"],
      ["AWS_SECRET_ACCESS_KEY:\twJalrXUtnFEMI", "an AWS secret access key"],
    ])
      assert.ok(secretsIn(text).includes(what), `${JSON.stringify(text)}: ${secretsIn(text)}`);
    assert.deepEqual(secretsIn("-----BEGIN PUBLIC KEY-----\nAKIA-not-a-key aws_secret_access_key_file"), []);
  });

  it("finds a literal value for any secret-named key, in shell, YAML, JSON and flag form", () => {
    for (const [text, key] of [
      ["MYSQL_ROOT_PASSWORD=hunter2", "MYSQL_ROOT_PASSWORD"],
      ["password: hunter2", "password"],
      ['{"password": "hunter2"}', "password"],
      ["db.passwd = hunter2", "db.passwd"],
      ["passphrase=correct-horse", "passphrase"],
      ["--api-key=abc123", "--api-key"],
      ["apikey=abc123", "apikey"],
      ["API_KEY=abc123", "API_KEY"],
      ["secretkey=abc123", "secretkey"],
      ["secret-key: abc123", "secret-key"],
      ["SECRET_KEY=abc123", "SECRET_KEY"],
      ["authtoken=abc123", "authtoken"],
      ["auth-token=abc123", "auth-token"],
      ["privatekey=abc123", "privatekey"],
      ["tls_private_key=abc123", "tls_private_key"],
      ["password=hunter$2", "password"],
      ["password=casino", "password"],
      ["password=offline123", "password"],
    ])
      assert.deepEqual(secretsIn(text), [`a literal value for "${key}"`], text);
  });

  it("leaves references, flags and empty values alone", () => {
    for (const text of [
      "MYSQL_PASSWORD=$(aws secretsmanager get-secret-value --secret-id db)",
      "password=${DB_PASSWORD}",
      "password: {{ resolve:secretsmanager:db }}",
      "password_file=/run/secrets/db",
      "password=<set at boot>",
      "api_key: arn:aws:secretsmanager:eu-west-1:123456789012:secret:k",
      "auth_token: ssm:/switchyard/token",
      "require_password: false",
      "password_auth=no",
      "password=\nnext=1",
      "password:\n  secretRef: db",
      "PasswordAuthentication no",
    ])
      assert.deepEqual(secretsIn(text), [], text);
  });

  it("reports a redacted Pulumi secret and each kind once", () => {
    assert.deepEqual(secretsIn("password=[secret]"), [
      "a Pulumi secret (stored in plain text in state as user-data)",
    ]);
    assert.deepEqual(secretsIn("password=a\npassword=b"), ['a literal value for "password"']);
  });
});

describe("decoding base64 user-data", () => {
  const b64 = (text: string | Buffer) => Buffer.from(text).toString("base64");

  it("decodes base64, wrapped or unpadded, and gzip inside it", () => {
    const script = "#!/bin/bash\nMYSQL_ROOT_PASSWORD=hunter2\n";
    assert.equal(decodeBase64UserData(b64(script)), script);
    const wrapped = b64(script).replace(/.{16}/g, "$&\n");
    assert.equal(decodeBase64UserData(wrapped), script);
    assert.equal(decodeBase64UserData(b64("ab")), "ab");
    assert.equal(decodeBase64UserData(b64("ab").replace(/=+$/, "")), "ab");
    assert.equal(decodeBase64UserData(b64(gzipSync(script))), script);
  });

  it("scans text that is not base64 as given, and non-gzip bytes as text", () => {
    for (const text of ["#!/bin/bash\necho hi", "password=hunter2"])
      assert.equal(decodeBase64UserData(text), text);
    // Starts like gzip in one byte only: 0x1f, or 0x8b second ("ċ" is c4 8b in UTF-8).
    assert.equal(decodeBase64UserData(b64("\x1fA")), "\x1fA");
    assert.equal(decodeBase64UserData(b64("ċ password=x")), "ċ password=x");
  });
});
