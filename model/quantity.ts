/**
 * Kubernetes resource quantities as numbers: the one parser for config validation, JVM heaps,
 * systemd limits, volume costs and the scheduling-capacity policy. Only the forms this project
 * writes are accepted (integers or decimals with a binary or decimal suffix, CPU in cores or
 * millicores); anything else is an error naming the value.
 */

const MEMORY = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/;
const CPU = /^(\d+(?:\.\d+)?)(m)?$/;

const SCALE: Record<string, number> = {
  "": 1,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
};

/** Bytes of a memory quantity (`512Mi`, `4Gi`, `1G`, `1048576`). */
export function memoryBytes(q: string): number {
  const m = MEMORY.exec(q);
  if (!m) throw new Error(`expected a memory quantity such as 256Mi or 1Gi, got ${JSON.stringify(q)}`);
  return Number(m[1]) * SCALE[m[2] ?? ""];
}

/** Cores of a CPU quantity (`250m` → 0.25, `2` → 2). */
export function cpuCores(q: string): number {
  const m = CPU.exec(q);
  if (!m) throw new Error(`expected a CPU quantity such as 250m or 1, got ${JSON.stringify(q)}`);
  return m[2] ? Number(m[1]) / 1000 : Number(m[1]);
}

export const MIB = 2 ** 20;
export const GIB = 2 ** 30;
