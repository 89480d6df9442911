/**
 * A strict reader of Prometheus's text exposition format (version 0.0.4), for the tests of
 * `GET /metrics`: it throws on the first line a Prometheus server would reject or misread
 * rather than skipping it. Checked: line syntax (metric and label names, quoted and escaped
 * label values, float values), one `# HELP` and one `# TYPE` per family, each before the family's
 * samples, a family's samples contiguous, every sample belonging to a typed family, no series
 * twice, counters non-negative, and histograms whole (`_bucket` with `le`, cumulative, a `+Inf`
 * bucket equal to `_count`, a `_sum`).
 */

/** One sample line. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The metrics of one name: its HELP, TYPE and samples. */
export interface Family {
  readonly name: string;
  help: string | undefined;
  type: string | undefined;
  readonly samples: Sample[];
}

/** A parsed exposition. */
export interface Exposition {
  readonly families: ReadonlyMap<string, Family>;
  /** The value of the one sample named `name` whose labels include `labels`; throws if not exactly one. */
  value(name: string, labels?: Readonly<Record<string, string>>): number;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

/** Parses `text`; throws an Error naming the line on anything malformed. */
export function parsePrometheusText(text: string): Exposition {
  if (!text.endsWith("\n")) throw new Error("the exposition must end with a line feed");
  const families = new Map<string, Family>();
  const series = new Set<string>();
  const closed = new Set<string>();
  let current: Family | undefined;
  const lines = text.slice(0, -1).split("\n");
  lines.forEach((line, index) => {
    const where = `line ${index + 1} ${JSON.stringify(line.slice(0, 120))}`;
    const fail = (why: string): never => {
      throw new Error(`${where}: ${why}`);
    };
    if (line.trim() === "") return;
    if (line.startsWith("#")) {
      const m = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
      if (m === null) return; // a plain comment
      const [, keyword, name, rest = ""] = m as unknown as [string, string, string, string | undefined];
      if (!METRIC_NAME.test(name)) fail(`bad metric name ${name}`);
      if (closed.has(name)) fail(`${keyword} for ${name} after its samples ended`);
      const family = familyOf(families, name);
      if (family.samples.length > 0) fail(`${keyword} for ${name} after its samples`);
      if (keyword === "HELP") {
        if (family.help !== undefined) fail(`second HELP for ${name}`);
        family.help = unescapeHelp(rest, fail);
      } else {
        if (family.type !== undefined) fail(`second TYPE for ${name}`);
        if (!TYPES.has(rest)) fail(`unknown type ${rest}`);
        family.type = rest;
      }
      switchTo(family);
      return;
    }
    const sample = parseSample(line, fail);
    const family = owner(families, sample.name) ?? fail(`sample ${sample.name} of no typed family`);
    if (family.type === undefined) fail(`sample of ${family.name} before its TYPE`);
    if (closed.has(family.name)) fail(`samples of ${family.name} are not contiguous`);
    switchTo(family);
    const key = `${sample.name}{${Object.entries(sample.labels)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(",")}}`;
    if (series.has(key)) fail(`series ${key} twice`);
    series.add(key);
    if (family.type === "counter" && !(sample.value >= 0)) fail("a counter below 0");
    family.samples.push(sample);
  });
  for (const family of families.values()) {
    if (family.type === undefined) throw new Error(`${family.name} has a HELP but no TYPE`);
    if (family.type === "histogram") checkHistogram(family);
  }
  return {
    families,
    value(name, labels = {}) {
      const matches: Sample[] = [];
      for (const family of families.values()) {
        for (const s of family.samples) {
          if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) matches.push(s);
        }
      }
      if (matches.length !== 1) {
        throw new Error(`${matches.length} samples named ${name} with labels ${JSON.stringify(labels)}`);
      }
      return matches[0]!.value;
    },
  };

  function switchTo(family: Family): void {
    if (current !== undefined && current !== family) closed.add(current.name);
    current = family;
  }
}

function familyOf(families: Map<string, Family>, name: string): Family {
  let family = families.get(name);
  if (family === undefined) {
    family = { name, help: undefined, type: undefined, samples: [] };
    families.set(name, family);
  }
  return family;
}

/** The family a sample name belongs to: itself, or a histogram's/summary's base name. */
function owner(families: ReadonlyMap<string, Family>, sampleName: string): Family | undefined {
  const exact = families.get(sampleName);
  if (exact !== undefined && exact.type !== "histogram") return exact;
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    if (!sampleName.endsWith(suffix)) continue;
    const base = families.get(sampleName.slice(0, -suffix.length));
    if (base === undefined) continue;
    if (base.type === "histogram" || (base.type === "summary" && suffix !== "_bucket")) return base;
  }
  return exact?.type === "histogram" ? undefined : exact;
}

function parseSample(line: string, fail: (why: string) => never): Sample {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line) ?? fail("no metric name");
  const name = nameMatch[0];
  let i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === "{") {
    i += 1;
    while (line[i] !== "}") {
      const labelMatch = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(i)) ?? fail(`bad label name at column ${i + 1}`);
      const label = labelMatch[0];
      if (!LABEL_NAME.test(label)) fail(`bad label name ${label}`);
      if (label in labels) fail(`label ${label} twice`);
      i += label.length;
      if (line.slice(i, i + 2) !== '="') fail(`expected ="  after label ${label}`);
      i += 2;
      let value = "";
      for (;;) {
        const c = line[i] ?? fail(`unterminated value of label ${label}`);
        i += 1;
        if (c === '"') break;
        if (c === "\\") {
          const e = line[i] ?? fail("dangling backslash");
          i += 1;
          if (e === "\\") value += "\\";
          else if (e === '"') value += '"';
          else if (e === "n") value += "\n";
          else fail(`bad escape \\${e}`);
        } else {
          value += c;
        }
      }
      labels[label] = value;
      if (line[i] === ",") i += 1;
      else if (line[i] !== "}") fail(`expected , or } after label ${label}`);
    }
    i += 1;
  }
  if (line[i] !== " ") fail("expected one space before the value");
  const parts = line.slice(i + 1).split(" ");
  if (parts.length > 2 || parts[0] === "") fail("expected a value and at most a timestamp");
  const value = parseValue(parts[0]!) ?? fail(`bad value ${parts[0]}`);
  if (parts[1] !== undefined && !/^-?\d+$/.test(parts[1])) fail(`bad timestamp ${parts[1]}`);
  return { name, labels, value };
}

/**
 * A float as Prometheus reads it (Go's ParseFloat): decimals, exponents, and NaN and Inf in any
 * case (prom-client writes NaN as "Nan").
 */
function parseValue(s: string): number | undefined {
  const lower = s.toLowerCase();
  if (lower === "nan") return Number.NaN;
  if (/^\+?inf(inity)?$/.test(lower)) return Number.POSITIVE_INFINITY;
  if (/^-inf(inity)?$/.test(lower)) return Number.NEGATIVE_INFINITY;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return undefined;
  return Number(s);
}

function unescapeHelp(s: string, fail: (why: string) => never): string {
  return s.replace(/\\(.?)/g, (_, e: string) =>
    e === "\\" ? "\\" : e === "n" ? "\n" : fail(`bad escape in HELP: \\${e}`),
  );
}

function checkHistogram(family: Family): void {
  const groups = new Map<string, { buckets: [number, number][]; sum?: number; count?: number }>();
  for (const s of family.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort(([a], [b]) => (a < b ? -1 : 1)));
    let g = groups.get(key);
    if (g === undefined) {
      g = { buckets: [] };
      groups.set(key, g);
    }
    if (s.name === `${family.name}_bucket`) {
      if (le === undefined) throw new Error(`${s.name} without le`);
      const bound = parseValue(le);
      if (bound === undefined || Number.isNaN(bound)) throw new Error(`${s.name} with bad le ${le}`);
      g.buckets.push([bound, s.value]);
    } else if (s.name === `${family.name}_sum`) {
      g.sum = s.value;
    } else if (s.name === `${family.name}_count`) {
      g.count = s.value;
    } else {
      throw new Error(`${s.name} in histogram ${family.name}`);
    }
  }
  for (const [key, g] of groups) {
    const where = `${family.name}${key}`;
    if (g.count === undefined || g.sum === undefined) throw new Error(`${where}: no _count or no _sum`);
    const sorted = [...g.buckets].sort((a, b) => a[0] - b[0]);
    const inf = sorted.at(-1);
    if (inf === undefined || inf[0] !== Number.POSITIVE_INFINITY) throw new Error(`${where}: no +Inf bucket`);
    if (inf[1] !== g.count) throw new Error(`${where}: +Inf bucket ${inf[1]} is not _count ${g.count}`);
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i]![0] === sorted[i - 1]![0]) throw new Error(`${where}: le ${sorted[i]![0]} twice`);
      if (sorted[i]![1] < sorted[i - 1]![1]) throw new Error(`${where}: buckets not cumulative at le ${sorted[i]![0]}`);
    }
  }
}
