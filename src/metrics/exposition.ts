// Prometheus text exposition (format 0.0.4) for series we render ourselves: escaping and number format.

const NEEDS_ESCAPE = /[\\"\n]/;

export function escapeLabelValue(v: string): string {
  // One test instead of three replaces: label values almost never need escaping, and this runs for
  // every label of every sample of every target.
  if (!NEEDS_ESCAPE.test(v)) return v;
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** One sample line, newline-terminated. Label names are ours (valid by construction). */
export function sampleLine(name: string, labels: Record<string, string>, value: number): string {
  return `${name}{${labelPairs(labels)}} ${formatValue(value)}\n`;
}

/** `k="v",...` with values escaped. */
export function labelPairs(labels: Record<string, string>): string {
  let l = '';
  for (const k in labels) l += `${l ? ',' : ''}${k}="${escapeLabelValue(labels[k]!)}"`;
  return l;
}

export function familyHeader(name: string, help: string, type = 'gauge'): string {
  return `# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${name} ${type}\n`;
}
