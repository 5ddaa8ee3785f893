// The targets, judged against the figures of this run: PASS/MISS for each.
import type { Report, Verdict } from './report-types.js';

const MB = 1e6;

function verdict(name: string, value: number, target: number, atLeast: boolean, unit: string): Verdict {
  return { name, value, target, atLeast, unit, pass: Number.isFinite(value) && (atLeast ? value >= target : value <= target) };
}

/**
 * Expected cycle time if every probe ran at the limit's rate: half the targets on each server. The
 * limit measured next to the cycles (section 4, the mean of before and after) when there is one,
 * else section 1's; `from: 'section1'` forces the latter.
 */
export function idealCycleMs(r: Report, targets: number, concurrency: number, from: 'nearby' | 'section1' = 'nearby'): number | null {
  const near = from === 'nearby' ? r.daemon?.limitNearby : undefined;
  const at = (k: 'https' | 'smtp'): number | undefined =>
    near ? (near.before[k] + near.after[k]) / 2 : r.limit?.[k].allCores.find((x) => x.concurrency === concurrency)?.rate;
  const h = at('https');
  const s = at('smtp');
  if (!h || !s) return null;
  return (Math.ceil(targets / 2) / h + Math.floor(targets / 2) / s) * 1000;
}

export function judge(r: Report): Verdict[] {
  const out: Verdict[] = [];
  const c = r.meta.judgeLevel;
  for (const k of ['https', 'smtp'] as const) {
    const label = k === 'https' ? 'HTTPS' : 'SMTP';
    const mine = r.tlsprobe?.[k].find((x) => x.concurrency === c)?.rate;
    const peer = r.blackbox?.[k].find((x) => x.concurrency === c)?.rate;
    const limit = r.limit?.[k].allCores.find((x) => x.concurrency === c)?.rate;
    if (mine !== undefined && peer) out.push(verdict(`tlsprobe vs blackbox_exporter, ${label}, c=${c}`, mine / peer, 1.0, true, '×'));
    if (mine !== undefined && limit) out.push(verdict(`tlsprobe vs all-cores limit, ${label}, c=${c}`, mine / limit, 0.9, true, '×'));
  }
  const d = r.daemon;
  if (d) {
    const n = d.targets;
    out.push(verdict(`${n} targets: peak RSS`, d.peakRssBytes / MB, 150, false, 'MB'));
    out.push(verdict(`${n} targets: /metrics scrape`, d.scrapeMs, 200, false, 'ms'));
    const ideal = idealCycleMs(r, n, d.concurrency);
    // Both: the start-up cycle (config load, V8 compiling the agent's code, CRL downloads) and the
    // last steady cycle (what every later cycle costs).
    const steady = d.steady?.at(-1);
    if (ideal) out.push(verdict(`${n} targets: start-up cycle wall time vs ${n} ÷ limit rate`, d.wallMs / ideal, 1.2, false, '×'));
    if (ideal && steady) out.push(verdict(`${n} targets: steady cycle wall time vs ${n} ÷ limit rate`, steady.wallMs / ideal, 1.2, false, '×'));
    // The worst of every cycle, start-up (config load) included.
    out.push(verdict(`${n} targets: event-loop delay p99`, Math.max(d.loopP99Ms, ...(d.steady ?? []).map((c) => c.loopP99Ms)), 50, false, 'ms'));
  }
  const big = r.crl?.sizes.at(-1);
  if (big && r.crl) {
    const e = big.entries.toLocaleString('en-US');
    out.push(verdict(`${e}-entry CRL: parse+index`, big.parseMs / 1000, 2, false, 's'));
    out.push(verdict(`${e}-entry CRL: retained memory`, big.retainedBytes / MB, 100, false, 'MB'));
    const s = r.crl.stall;
    out.push(verdict(`${s.entries.toLocaleString('en-US')}-entry CRL: longest event-loop stall`, Math.max(s.stallMaxMs, s.loopMaxMs), 100, false, 'ms'));
  }
  const cw = r.coldWarm;
  if (cw) {
    const v = verdict(`CRL downloads, cold cycle (= distinct CRL URLs; warm: 0)`, cw.cold.downloads, cw.distinctCrlUrls, false, '=');
    out.push({ ...v, pass: cw.cold.downloads === cw.distinctCrlUrls && cw.warm.downloads === 0 });
  }
  return out;
}
