// Prometheus's text exposition format (version 0.0.4), read strictly: every line a HELP or TYPE comment or a sample
// `name{label="value",...} value`, every sample of a family declared with TYPE before it (a histogram's or summary's
// _bucket/_sum/_count under its name). A scrape that does not parse fails the test naming the line.
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: -?\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/y;
const TYPES = ["counter", "gauge", "histogram", "summary", "untyped"];

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const m = LABEL.exec(text);
    if (!m) throw new Error(`malformed labels in: ${line}`);
    labels[m[1]] = m[2].replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
  }
  return labels;
}

/** A sample value as Prometheus reads it (Go's ParseFloat: NaN and Inf in any case; prom-client writes "Nan"). */
function toNumber(v: string): number {
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(v);
  if (!special) return v.trim() === "" ? NaN : Number(v);
  if (special[2].toLowerCase() === "nan") return NaN;
  return special[1] === "-" ? -Infinity : Infinity;
}

export function parsePrometheusText(text: string): Sample[] {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  if (!text.endsWith("\n")) throw new Error("exposition does not end with a newline");
  for (const line of text.slice(0, -1).split("\n")) {
    if (line === "") continue;
    const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (comment) {
      if (comment[1] === "TYPE") {
        if (!TYPES.includes(comment[3])) throw new Error(`unknown metric type in: ${line}`);
        types.set(comment[2], comment[3]);
      }
      continue;
    }
    const m = SAMPLE.exec(line);
    if (!m || (!/^[+-]?nan$/i.test(m[3]) && Number.isNaN(toNumber(m[3])))) throw new Error(`not a sample: ${line}`);
    const family = [m[1], m[1].replace(/_(bucket|sum|count)$/, "")].find((f) => types.has(f));
    if (!family) throw new Error(`sample of an undeclared metric: ${line}`);
    samples.push({ name: m[1], labels: m[2] ? parseLabels(m[2], line) : {}, value: toNumber(m[3]) });
  }
  return samples;
}

/** The sum of the samples named `name` whose labels include `labels` (0 when none). */
export function sampleValue(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}
