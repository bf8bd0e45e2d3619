/**
 * CPU architectures, the one place they are detected and spelled. Release downloads (etcd) use
 * the Go names `amd64`/`arm64`; AWS (AMI filters, EKS AMI types) says `x86_64`/`arm64`.
 */
export type CpuArch = "amd64" | "arm64";

/**
 * The architecture of an EC2 instance type: Graviton families carry a "g" right after the
 * generation digit (m7g, c7gn, t4g, r8gd), and the first Graviton family is a1; everything else
 * is x86_64.
 */
export function instanceArch(instanceType: string): CpuArch {
  const family = instanceType.split(".")[0];
  return family === "a1" || /^[a-z]+\d+g/.test(family) ? "arm64" : "amd64";
}

/** The architecture as AWS APIs name it. */
export function awsArchitecture(arch: CpuArch): "x86_64" | "arm64" {
  return arch === "amd64" ? "x86_64" : "arm64";
}
