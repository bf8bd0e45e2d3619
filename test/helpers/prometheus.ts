/**
 * A strict parser of the Prometheus text exposition format 0.0.4, the format Telegraf's
 * `inputs.prometheus` reads from the agent and the registrar. It throws, naming the line, on what a
 * scraper would reject or misread: a malformed line, a TYPE after its samples or given twice, a
 * family split in two, a duplicate series, a histogram whose buckets are not cumulative or do not
 * end in +Inf equal to its count.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  type: "counter" | "gauge" | "histogram" | "summary" | "untyped";
  help?: string;
  samples: Sample[];
}

const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const LABEL = `([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\\\\n]|\\\\[\\\\"n])*)"`;
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL},?)*)\\})? (\\S+)(?: (-?\\d+))?$`);
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

function parseValue(text: string, line: string): number {
  if (text === "+Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  if (text === "NaN") return NaN;
  const n = Number(text);
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) || Number.isNaN(n))
    throw new Error(`not a number in: ${line}`);
  return n;
}

function familyOf(sample: string, families: Map<string, Family>): string {
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    const base = sample.slice(0, -suffix.length);
    if (sample.endsWith(suffix) && ["histogram", "summary"].includes(families.get(base)?.type ?? ""))
      return base;
  }
  return sample;
}

export function parseExposition(text: string): Map<string, Family> {
  if (!text.endsWith("\n")) throw new Error("the exposition must end with a newline");
  const families = new Map<string, Family>();
  const closed = new Set<string>();
  const typed = new Set<string>();
  let current: string | undefined;
  const family = (name: string) => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { type: "untyped", samples: [] }));
    return f;
  };
  const enter = (name: string, line: string) => {
    if (name === current) return;
    if (closed.has(name)) throw new Error(`family ${name} is split in two at: ${line}`);
    if (current) closed.add(current);
    current = name;
  };
  for (const line of text.slice(0, -1).split("\n")) {
    if (line.trim() === "") continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta;
      if (!new RegExp(`^${NAME}$`).test(name)) throw new Error(`bad metric name in: ${line}`);
      enter(name, line);
      const f = family(name);
      if (kind === "TYPE") {
        if (!TYPES.has(rest)) throw new Error(`unknown type in: ${line}`);
        if (f.samples.length > 0) throw new Error(`TYPE after samples in: ${line}`);
        if (typed.has(name)) throw new Error(`second TYPE in: ${line}`);
        typed.add(name);
        f.type = rest as Family["type"];
      } else {
        if (f.help !== undefined) throw new Error(`second HELP in: ${line}`);
        f.help = rest;
      }
      continue;
    }
    if (line.startsWith("#")) continue;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`malformed sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? "").matchAll(new RegExp(LABEL, "g"))) {
      if (k in labels) throw new Error(`label ${k} twice in: ${line}`);
      labels[k] = v.replace(/\\(["\\n])/g, (_, c: string) => (c === "n" ? "\n" : c));
    }
    const name = familyOf(m[1], families);
    enter(name, line);
    const f = family(name);
    const series = `${m[1]}${JSON.stringify(Object.entries(labels).sort())}`;
    if (f.samples.some((s) => `${s.name}${JSON.stringify(Object.entries(s.labels).sort())}` === series))
      throw new Error(`duplicate series: ${line}`);
    f.samples.push({ name: m[1], labels, value: parseValue(m[5], line) });
  }
  for (const [name, f] of families) if (f.type === "histogram") checkHistogram(name, f);
  return families;
}

function checkHistogram(name: string, f: Family): void {
  const buckets = f.samples.filter((s) => s.name === `${name}_bucket`);
  const count = f.samples.find((s) => s.name === `${name}_count`);
  if (!f.samples.some((s) => s.name === `${name}_sum`) || !count)
    throw new Error(`histogram ${name} lacks _sum or _count`);
  const bounds = buckets.map((b) => parseValue(b.labels.le ?? "", `${name}_bucket le`));
  if (bounds.at(-1) !== Infinity) throw new Error(`histogram ${name} does not end in le="+Inf"`);
  for (let i = 1; i < buckets.length; i++) {
    if (!(bounds[i] > bounds[i - 1])) throw new Error(`histogram ${name}: bucket bounds not ascending`);
    if (buckets[i].value < buckets[i - 1].value) throw new Error(`histogram ${name}: buckets not cumulative`);
  }
  if (buckets.at(-1)!.value !== count.value) throw new Error(`histogram ${name}: +Inf bucket != _count`);
}

/** The value of the unlabelled sample `name`, or of the one with `labels`. */
export function sampleValue(
  families: Map<string, Family>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const f of families.values()) {
    const s = f.samples.find(
      (x) =>
        x.name === name &&
        JSON.stringify(Object.entries(x.labels).sort()) === JSON.stringify(Object.entries(labels).sort()),
    );
    if (s) return s.value;
  }
  return undefined;
}
