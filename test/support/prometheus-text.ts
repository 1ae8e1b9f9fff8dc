/** Reading values out of a Prometheus text exposition, for assertions in tests. */
export type Labels = Record<string, string>;

function parseLabels(text: string | undefined): Labels {
  const labels: Labels = {};
  for (const match of (text ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[match[1]] = match[2];
  return labels;
}

/** The sample of `name` whose labels include `labels` (undefined when there is none). */
export function sampleValue(exposition: string, name: string, labels: Labels = {}): number | undefined {
  for (const line of exposition.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = parseLabels(match[2]);
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return undefined;
}

/** Names of every metric family the exposition declares (# TYPE lines). */
export function metricNames(exposition: string): string[] {
  return [...exposition.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]);
}
