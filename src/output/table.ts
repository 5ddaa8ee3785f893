// The human-readable `check` table: one row per probe, then the reason of each failure.
import type { ProbeResult } from '../probe/result.js';

const COLUMNS = ['TARGET', 'RESULT', 'PROTOCOL', 'CIPHER', 'LEAF SUBJECT', 'DAYS LEFT', 'THUMBPRINT'] as const;

export function daysLeft(notAfter: string, now = Date.now()): number {
  return Math.floor((Date.parse(notAfter) - now) / 86_400_000);
}

/** Why a result is not OK, in one line: the probe error, else the first failing check. */
export function problem(r: ProbeResult): { code: string; message: string } | null {
  if (r.error) return { code: r.error.reason, message: r.error.message };
  const failed = r.checks.find((c) => c.status === 'fail');
  return failed ? { code: failed.id, message: failed.message } : null;
}

export function renderTable(results: ProbeResult[], now = Date.now()): string {
  const rows = results.map((r) => {
    const leaf = r.chain[0];
    const p = problem(r);
    const warned = !p && r.checks.some((c) => c.status === 'warn');
    return [
      rowLabel(r),
      p ? `FAIL ${p.code}` : warned ? 'WARN' : 'OK',
      r.tls?.protocol ?? '-',
      r.tls?.cipher.name ?? '-',
      leaf ? leaf.subject : '-',
      leaf ? String(daysLeft(leaf.notAfter, now)) : '-',
      leaf ? leaf.thumbprint : '-',
    ];
  });
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...rows.map((r) => Math.min(r[i]!.length, 60))));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (c.length > 60 ? `${c.slice(0, 59)}…` : c).padEnd(widths[i]!)).join('  ').trimEnd();
  const out = [line(COLUMNS), ...rows.map(line)];
  const problems = results.flatMap((r) => {
    const p = problem(r);
    return p ? [`  ${rowLabel(r)}: ${p.code}: ${p.message}`] : [];
  });
  if (problems.length) out.push('', 'Problems:', ...problems);
  const warnings = results.flatMap((r) => r.checks.filter((c) => c.status === 'warn').map((c) => `  ${rowLabel(r)}: ${c.id}: ${c.message}`));
  if (warnings.length) out.push('', 'Warnings:', ...warnings);
  const ok = results.filter((r) => r.ok).length;
  out.push('', `${ok} of ${results.length} OK`);
  return out.join('\n');
}

/** The target name, plus the address when it is not the URL's own host (`addresses: all`). */
function rowLabel(r: ProbeResult): string {
  return r.address && r.address !== hostOf(r.url) ? `${r.name} (${r.address})` : r.name;
}

function hostOf(url: string): string {
  return url.replace(/^[a-z0-9]+:\/\/\[?([^\]/]*?)\]?(:\d+)?(\/.*)?$/i, '$1');
}

/** After a renewal: which endpoints still present something other than the expected certificate. */
export function renderRenewalSummary(results: ProbeResult[], expected: string[]): string {
  const stale = results.filter((r) => {
    const leaf = r.chain[0];
    return !leaf || !expected.some((t) => t === leaf.thumbprint || t === leaf.sha256);
  });
  if (stale.length === 0) return `\nAll ${results.length} endpoint(s) present the expected certificate.`;
  const lines = stale.map((r) => {
    const leaf = r.chain[0];
    return leaf
      ? `  ${rowLabel(r)}: presents ${leaf.thumbprint} (notAfter ${leaf.notAfter.slice(0, 10)}, ${leaf.subject})`
      : `  ${rowLabel(r)}: no certificate captured (${r.error?.reason ?? 'unknown'})`;
  });
  return [`\n${stale.length} of ${results.length} endpoint(s) still present another certificate than ${expected.join(' / ')}:`, ...lines].join('\n');
}
