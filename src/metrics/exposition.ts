// Prometheus text exposition (format 0.0.4) for series we render ourselves: escaping and number format.

export function escapeLabelValue(v: string): string {
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
  let l = '';
  for (const k in labels) l += `${l ? ',' : ''}${k}="${escapeLabelValue(labels[k]!)}"`;
  return `${name}{${l}} ${formatValue(value)}\n`;
}

export function familyHeader(name: string, help: string, type = 'gauge'): string {
  return `# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${name} ${type}\n`;
}
