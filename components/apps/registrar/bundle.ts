/**
 * The switchyard-registrar bundle as the cluster receives it. The bundle (~2 MB: etcd3, gRPC and
 * the inlined protobuf definitions) is over the 1 MiB a ConfigMap may hold, and no image can be
 * built here, so it ships gzipped (~330 KiB) in a ConfigMap's binaryData and the container
 * inflates it into a memory-backed emptyDir at start. It is built (and gzipped) by hosts/build.mjs,
 * the same script that builds the agent, so the file tested by test/hosts/registrar is the file the pods
 * run (components/common/hostBundles.ts).
 */
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { hostBundleFiles } from "../../common/hostBundles";

/** ConfigMaps are limited to 1 MiB; the base64 form (what the API receives) stays well below it. */
export const CONFIGMAP_LIMIT_BYTES = 900 * 1024;

export interface RegistrarBundle {
  /** sha256 of the uncompressed bundle: a pod-template annotation, so a new bundle rolls the pods. */
  sha256: string;
  /** Base64 of the gzipped bundle, for ConfigMap binaryData. */
  gzipBase64: string;
  bytes: number;
  gzipBytes: number;
}

/** `gz` is the bundle gzipped as hosts/build.mjs does it; computed here when not given. */
export function describeRegistrarBundle(
  content: Buffer,
  gz: Buffer = gzipSync(content, { level: 9 }),
): RegistrarBundle {
  const gzipBase64 = gz.toString("base64");
  if (gzipBase64.length > CONFIGMAP_LIMIT_BYTES) {
    throw new Error(
      `the gzipped registrar bundle is ${gzipBase64.length} bytes in base64, over the ${CONFIGMAP_LIMIT_BYTES} a ConfigMap may safely hold`,
    );
  }
  return {
    sha256: createHash("sha256").update(content).digest("hex"),
    gzipBase64,
    bytes: content.length,
    gzipBytes: gz.length,
  };
}

export function buildRegistrarBundle(root: string): RegistrarBundle {
  const files = hostBundleFiles(root);
  return describeRegistrarBundle(files.registrar, files.registrarGzip);
}
