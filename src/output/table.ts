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
      r.address && r.address !== hostOf(r.url) ? `${r.name} (${r.address})` : r.name,
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
    return p ? [`  ${r.name}: ${p.code}: ${p.message}`] : [];
  });
  if (problems.length) out.push('', 'Problems:', ...problems);
  const ok = results.filter((r) => r.ok).length;
  out.push('', `${ok} of ${results.length} OK`);
  return out.join('\n');
}

function hostOf(url: string): string {
  return url.replace(/^[a-z0-9]+:\/\/\[?([^\]/]*?)\]?(:\d+)?(\/.*)?$/i, '$1');
}
