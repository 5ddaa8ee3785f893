// Prints the bench's table: rates and ratios per concurrency, the daemon at scale, CRL cost, cold vs warm, and PASS/MISS per target.
import type { LoadResult } from './load.js';
import type { Report } from './report-types.js';
import { idealCycleMs } from './verdicts.js';
import type { SkeletonResult } from '../sections/skeleton-child.js';
import type { CycleFigures } from './cycle.js';

const MB = 1e6;
const n0 = (x: number): string => Math.round(x).toLocaleString('en-US');
const f1 = (x: number): string => x.toFixed(1);
const ratio = (a: number | undefined, b: number | undefined): string => (a !== undefined && b ? `${(a / b).toFixed(2)}×` : '–');

/** Pads columns; `align` has one letter per column, l or r (default: the first left, the others right). */
export function table(rows: string[][], align = ''): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const left = (i: number): boolean => (align[i] ?? (i === 0 ? 'l' : 'r')) === 'l';
  return rows.map((r) => r.map((c, i) => (left(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd()).join('\n');
}

function failures(label: string, r: LoadResult): string[] {
  if (r.failed === 0) return [];
  return [`  ! ${label} c=${r.concurrency}: ${r.failed} failed (${Object.entries(r.errors).map(([k, v]) => `${v}× ${k}`).join('; ')})`];
}

export function formatReport(r: Report): string {
  const m = r.meta;
  const out: string[] = [
    `tlsprobe bench${m.quick ? ' (--quick: smoke run, figures not meaningful)' : ''}: ${m.cores} cores (${m.cpu}), Node.js ${m.node}${m.nodeFlags?.length ? ` ${m.nodeFlags.join(' ')}` : ''}, ${m.date}`,
    `rates: successful handshakes or probes per second, closed loop; per server and level every client warms up (${m.warmupMs / 1000} s), then runs ${m.rounds} rounds of ${m.durationMs / 1000} s interleaved with the others; the median round counts. MB = 10^6 bytes`,
    '',
  ];
  const at = (list: LoadResult[] | undefined, c: number): number | undefined => list?.find((x) => x.concurrency === c)?.rate;
  const notes: string[] = [];
  const rows: string[][] = [['', ...m.levels.map((c) => `c=${c}`)]];
  for (const k of ['https', 'smtp'] as const) {
    const title = k === 'https' ? 'HTTPS (nginx)' : 'SMTP STARTTLS (Postfix)';
    const lim = r.limit?.[k];
    const bb = r.blackbox?.[k];
    const tp = r.tlsprobe?.[k];
    rows.push([title, ...m.levels.map(() => '')]);
    const line = (label: string, list: LoadResult[] | undefined): void => {
      if (!list) return;
      rows.push([`  ${label}`, ...m.levels.map((c) => (at(list, c) === undefined ? '–' : n0(at(list, c)!)))]);
      for (const x of list) notes.push(...failures(`${k} ${label}`, x));
    };
    line('(1) limit, 1 process', lim?.single);
    line(`(1) limit, all ${m.cores} cores`, lim?.allCores);
    if (k === 'smtp') line('    same dialogue as tlsprobe (EHLO in TLS, 221)', lim?.allCoresSameDialogue);
    line(k === 'smtp' ? '    same dialogue + exact chain read: the floor' : '    + exact chain read (tlsprobe\'s tap): the floor', lim?.allCoresFloor);
    line(`(2) ${r.blackbox?.version ?? 'blackbox_exporter'}`, bb);
    if (k === 'smtp') line('    same dialogue as tlsprobe (EHLO in TLS, 221)', r.blackbox?.smtpSameDialogue);
    line('(3) tlsprobe, full probe', tp);
    line('    capture only, calling thread (runProbe)', r.tlsprobe?.captureOnly[k]);
    line('    capture, exactChain off', r.tlsprobe?.captureNoTap[k]);
    const cpu = (label: string, list: LoadResult[] | undefined): void => {
      if (!list?.some((x) => x.cpuMs !== undefined)) return;
      const per = (c: number): string => {
        const x = list.find((y) => y.concurrency === c);
        return x?.cpuMs !== undefined && x.ok > 0 ? (x.cpuMs / x.ok).toFixed(2) : '–';
      };
      rows.push([`  ${label}`, ...m.levels.map(per)]);
    };
    cpu('CPU ms per handshake, limit 1 process', lim?.single);
    cpu('CPU ms per handshake, limit all cores', lim?.allCores);
    if (k === 'smtp') cpu('CPU ms per probe, limit, same dialogue', lim?.allCoresSameDialogue);
    cpu('CPU ms per probe, the floor', lim?.allCoresFloor);
    cpu('CPU ms per probe, blackbox_exporter', bb);
    if (k === 'smtp') cpu('CPU ms per probe, blackbox, same dialogue', r.blackbox?.smtpSameDialogue);
    cpu('CPU ms per probe, tlsprobe', tp);
    cpu('CPU ms per probe, capture, calling thread', r.tlsprobe?.captureOnly[k]);
    if (tp && lim) rows.push(['  tlsprobe ÷ all-cores limit', ...m.levels.map((c) => ratio(at(tp, c), at(lim.allCores, c)))]);
    if (tp && lim) rows.push(['  tlsprobe ÷ 1-process limit', ...m.levels.map((c) => ratio(at(tp, c), at(lim.single, c)))]);
    if (tp && bb) rows.push(['  tlsprobe ÷ blackbox_exporter', ...m.levels.map((c) => ratio(at(tp, c), at(bb, c)))]);
    const limSame = k === 'smtp' ? lim?.allCoresSameDialogue : undefined;
    if (tp && limSame?.length) rows.push(['  tlsprobe ÷ all-cores limit, same dialogue', ...m.levels.map((c) => ratio(at(tp, c), at(limSame, c)))]);
    if (tp && lim?.allCoresFloor?.length) rows.push(['  tlsprobe ÷ the floor', ...m.levels.map((c) => ratio(at(tp, c), at(lim.allCoresFloor, c)))]);
    if (lim?.allCoresFloor?.length) rows.push(['  the floor ÷ all-cores limit', ...m.levels.map((c) => ratio(at(lim.allCoresFloor, c), at(lim.allCores, c)))]);
    const same = k === 'smtp' ? r.blackbox?.smtpSameDialogue : undefined;
    if (tp && same?.length) rows.push(['  tlsprobe ÷ blackbox, same dialogue', ...m.levels.map((c) => ratio(at(tp, c), at(same, c)))]);
  }
  if (r.limit || r.blackbox || r.tlsprobe) out.push('Handshakes / probes per second', table(rows), ...notes, '');
  if (r.blackboxSkipped) out.push(`(2) blackbox_exporter not measured: ${r.blackboxSkipped}`, '');

  const d = r.daemon;
  if (d) {
    const ideal = idealCycleMs(r, d.targets, d.concurrency);
    out.push(
      `(4) Daemon, ${n0(d.targets)} targets (half HTTPS, half SMTP), concurrency ${d.concurrency}: the start-up cycle (new Daemon().start()), then ${d.steady?.length ?? 0} steady cycle(s) (daemon.probeAll(), same process)`,
      table([
        ...(d.limitNearby ? [nearbyRow(d.limitNearby, r, d.targets, d.concurrency)] : []),
        ['start-up cycle wall time', `${f1(d.wallMs / 1000)} s`, ideal ? `${d.targets} ÷ all-cores limit at c=${d.concurrency} = ${f1(ideal / 1000)} s → ${(d.wallMs / ideal).toFixed(2)}×; includes the config load and V8 compiling the agent's code` : ''],
        ['CPU time (user + system)', `${f1((d.cpuUserMs + d.cpuSystemMs) / 1000)} s`, `${f1(d.cpuUserMs / 1000)} + ${f1(d.cpuSystemMs / 1000)} s; ${f1((d.cpuUserMs + d.cpuSystemMs) / d.targets)} ms per probe`],
        ...(d.cpuByThread ? [cpuByThread(d.cpuByThread, d.cpuUserMs + d.cpuSystemMs, d.targets)] : []),
        ...(d.machine ? [machineRow(d.machine, d.cpuUserMs + d.cpuSystemMs)] : []),
        ...(d.steady ?? []).flatMap((c, i) => steadyRows(`steady cycle ${i + 1}`, c, d.targets, ideal)),
        ...(d.floorRssBytes ? [['peak RSS of the agent with 2 targets', `${n0(d.floorRssBytes / MB)} MB`, `modules, listener, capture workers; the ${n0(d.targets)} targets add ${f1((d.peakRssBytes - d.floorRssBytes) / d.targets / 1000)} kB each`]] : []),
        ['peak RSS (VmHWM, cycle + scrapes)', `${n0(d.peakRssBytes / MB)} MB`, `at the end of the cycle ${n0(d.cycleRssBytes / MB)} MB (sampled every 50 ms: ${n0(d.rssPeakSampled / MB)} MB); main-thread heap after GC ${n0((d.heapAfterGcBytes ?? 0) / MB)} MB`],
        ['event-loop delay p99 (start-up cycle)', `${f1(d.loopP99Ms)} ms`, `max ${f1(d.loopMaxMs)} ms; the config load (${n0(d.configLoadMs)} ms on one thread) runs inside start(), on a worker thread`],
        ['/metrics scrape (median of 3)', `${n0(d.scrapeMs)} ms`, `${f1(d.scrapeBytes / MB)} MB, ${n0(d.scrapes[0]?.series ?? 0)} series; each: ${d.scrapes.map((s) => n0(s.ms)).join(', ')} ms`],
        ['results', `${n0(d.ok)} OK`, `${d.failed} failed; CRL downloads ${d.crlDownloads}`],
        ...(d.skeleton ? skeletonRows(d.skeleton, ideal, d.wallMs) : []),
      ], 'lrl'),
      ...Object.entries(d.failures).map(([k, v]) => `  ! ${v}× ${k}`),
      '',
    );
  }
  const c = r.crl;
  if (c) {
    out.push(
      '(5) CRL cost (src/revocation parseCrl + verifySignature, fresh process)',
      table([
        ['entries', 'DER', 'parse+index', 'verify', 'retained', 'index', 'lookup'],
        ...c.sizes.map((s) => [n0(s.entries), `${f1(s.derBytes / MB)} MB`, `${n0(s.parseMs)} ms`, `${n0(s.verifyMs)} ms`, `${f1(s.retainedBytes / MB)} MB`, `${f1(s.indexBytes / MB)} MB`, `${n0(s.lookupNs)} ns`]),
      ]),
      `event loop while a ${n0(c.stall.entries)}-entry CRL is parsed, indexed and verified (${n0(c.stall.ms)} ms): delay p99 ${f1(c.stall.loopP99Ms)} ms, max ${f1(c.stall.loopMaxMs)} ms, longest stall ${f1(c.stall.stallMaxMs)} ms`,
      '',
    );
  }
  const cw = r.coldWarm;
  if (cw) {
    const line = (label: string, x: typeof cw.cold): string[] => [
      label, `${n0(x.wallMs)} ms`, `slowest target ${n0(x.slowestMs)} ms`, `${x.ok} OK, ${x.failed} failed`, `${x.downloads} CRL download(s), ${f1(x.downloadedBytes / MB)} MB`,
    ];
    out.push(
      `(6) Cold vs warm CRL cache: ${cw.targets} targets, concurrency ${cw.concurrency}, ${cw.distinctCrlUrls} distinct CRL URLs (issuing CA CRL ${f1(cw.issuingCrlBytes / MB)} MB)`,
      table([line('cold (empty cache)', cw.cold), line('warm', cw.warm)], 'lrrll'),
      `cold ÷ warm: ${(cw.cold.wallMs / cw.warm.wallMs).toFixed(2)}×`,
      ...[...Object.entries(cw.cold.failures), ...Object.entries(cw.warm.failures)].map(([k, v]) => `  ! ${v}× ${k}`),
      '',
    );
  }
  const k = r.certs;
  if (k) {
    out.push(
      `(7) Distinct certificates: ${n0(k.chains)} leaves (${n0(k.derBytes)} bytes each) under one intermediate, main thread, fresh process`,
      table([
        ['first probe of a chain (leaf parsed)', `${n0(k.firstUs)} µs`, `${(k.firstUs / k.opensslUs).toFixed(1)}× OpenSSL's parse of the same leaf (${n0(k.opensslUs)} µs, the baseline)`],
        ['later probes (from the cache)', `${f1(k.repeatUs)} µs`, 'found by its tail bytes, compared byte for byte'],
        ['kept per cached leaf', `${f1(k.retainedBytes / 1024)} kB`, `JavaScript heap and buffers; RSS grew ${f1(k.rssBytes / 1024)} kB per leaf (OpenSSL's copy, V8's heap growth)`],
      ], 'lrl'),
      '',
    );
  }
  if (r.verdicts.length) {
    const fmt = (v: number, unit: string, next = NaN): string =>
      unit === '×' ? `${v.toFixed(v !== next && v.toFixed(2) === next.toFixed(2) ? 4 : 2)}×` : unit === '=' ? String(v) : `${v < 10 ? v.toFixed(2) : n0(v)} ${unit}`;
    const cmp = (atLeast: boolean, unit: string): string => (unit === '=' ? '=' : atLeast ? '≥' : '≤');
    out.push('Targets', table(r.verdicts.map((v) => [v.pass ? 'PASS' : 'MISS', v.name, fmt(v.value, v.unit, v.target), `${cmp(v.atLeast, v.unit)} ${fmt(v.target, v.unit)}`]), 'llrl'), '');
  }
  for (const [s, e] of Object.entries(r.errors)) out.push(`ERROR in section ${s}: ${e}`);
  return out.join('\n');
}

/**
 * Per-probe CPU of each kind of thread: where the agent's time goes beyond the handshakes. Threads
 * that ended before the last /proc snapshot (the config loader) are not listed there: they are the
 * process total minus the threads listed.
 */
function cpuByThread(t: { mainMs: number; workersMs: number; runtimeMs: number }, totalMs: number, probes: number): string[] {
  const per = (ms: number): string => `${(ms / probes).toFixed(2)}`;
  // process.cpuUsage() and /proc's 10 ms ticks round differently: a few ms either way is noise.
  const endedMs = Math.max(0, totalMs - t.mainMs - t.workersMs - t.runtimeMs);
  return [
    '  by thread (ms per probe)',
    `${per(t.mainMs + t.workersMs + t.runtimeMs + endedMs)} ms`,
    `capture workers ${per(t.workersMs)}, main thread ${per(t.mainMs)} (scheduler, revocation, checks, metrics), V8 GC/compiler + libuv threads ${per(t.runtimeMs)}, threads that ended (the agent's config loader, at start-up) ${per(endedMs)}`,
  ];
}

/** The limit measured next to the cycles (the yardstick of the cycle rows), beside section 1's. */
function nearbyRow(n: NonNullable<Report['daemon']>['limitNearby'] & object, r: Report, targets: number, concurrency: number): string[] {
  const ideal = idealCycleMs(r, targets, concurrency);
  const old = idealCycleMs(r, targets, concurrency, 'section1');
  return [
    `all-cores limit at c=${concurrency}, next to the cycles`,
    `${n0(n.before.https)} / ${n0(n.before.smtp)} → ${n0(n.after.https)} / ${n0(n.after.smtp)}`,
    `HTTPS / SMTP handshakes per second, before → after the cycles; ${targets} ÷ their mean = ${ideal ? f1(ideal / 1000) : '?'} s, the yardstick below${old ? ` (section 1's figures: ${f1(old / 1000)} s)` : ''}`,
  ];
}

function machineRow(m: { busyShare: number; busyCoreMs: number }, agentCpuMs: number): string[] {
  return ['  machine busy (all processes)', `${n0(m.busyShare * 100)} %`, `${f1(m.busyCoreMs / 1000)} core-s; besides the agent (servers, kernel, bench) ${f1((m.busyCoreMs - agentCpuMs) / 1000)} core-s`];
}

/** A cycle after start-up: wall time against the limit, CPU per probe and by thread, loop delay, RSS. */
function steadyRows(label: string, c: CycleFigures, probes: number, ideal: number | null): string[][] {
  return [
    [`${label} wall time`, `${f1(c.wallMs / 1000)} s`, `${ideal ? `${(c.wallMs / ideal).toFixed(2)}× of the limit's; ` : ''}${(c.cpuMs / probes).toFixed(2)} ms CPU per probe; loop delay p99 ${f1(c.loopP99Ms)} ms (max ${f1(c.loopMaxMs)}); RSS sampled up to ${n0(c.rssPeakSampled / MB)} MB`],
    ...(c.cpuByThread ? [cpuByThread(c.cpuByThread, c.cpuMs, probes)] : []),
    ...(c.machine ? [machineRow(c.machine, c.cpuMs)] : []),
  ];
}

/** The design without the agent's work: what the cycle and peak RSS compare with besides the limit. */
function skeletonRows(k: SkeletonResult, ideal: number | null, agentStartMs: number): string[][] {
  const floorMs = k.configLoadMs + k.wallMs;
  return [
    ['skeleton: config load', `${f1(k.configLoadMs / 1000)} s`, "the agent's targets.yaml through the agent's loader thread, before the first cycle, as any agent must"],
    ['skeleton: first cycle wall time', `${f1(k.wallMs / 1000)} s`, `${ideal ? `${(k.wallMs / ideal).toFixed(2)}× of the limit's; ` : ''}${k.cpuMs ? `${(k.cpuMs / k.targets).toFixed(2)} ms CPU per probe; ` : ''}the design alone: bare captures with tlsprobe's dialogue on the capture threads, 2.6 kB kept per target, modules loaded (${n0(k.ok)} OK, ${k.failed} failed)`],
    ...(k.cpuByThread ? [cpuByThread(k.cpuByThread, k.cpuMs, k.targets)] : []),
    ...(ideal ? [['skeleton: config load + first cycle', `${f1(floorMs / 1000)} s`, `${(floorMs / ideal).toFixed(2)}× of the limit's: the floor of the start-up cycle, before any check, CRL or metric (the agent's: ${(agentStartMs / floorMs).toFixed(2)}× of it)`]] : []),
    ...(k.steady ?? []).flatMap((c, i) => steadyRows(`skeleton: steady cycle ${i + 1}`, c, k.targets, ideal)),
    ['skeleton: peak RSS', `${n0(k.peakRssBytes / MB)} MB`, 'the config kept; no checks, CRLs or metrics'],
  ];
}
