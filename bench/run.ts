// `npm run bench`: starts nginx, Postfix (and blackbox_exporter) on loopback, runs sections 1-7, prints the table, writes JSON.
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import { RESTARTED_ENV, restartArgs } from './lib/agent-flags.js';
import { parseOptions, type Section } from './lib/options.js';
import { formatReport } from './lib/report.js';
import type { Report } from './lib/report-types.js';
import { startServers, type BenchServers } from './lib/servers.js';
import { judge } from './lib/verdicts.js';
import { measureCerts } from './sections/certs.js';
import { measureColdWarm } from './sections/coldwarm.js';
import { measureCrl } from './sections/crl.js';
import { measureDaemon } from './sections/daemon.js';
import { measureRates } from './sections/rates.js';
import { closeBenchPool } from './sections/tlsprobe.js';

const o = parseOptions(process.argv.slice(2), process.env);
if (o.reportFile) {
  // Re-print an earlier run's table (e.g. after a formatting change) without measuring anything.
  const old = JSON.parse(await readFile(o.reportFile, 'utf8')) as Report;
  old.verdicts = judge(old);
  console.log(formatReport(old));
  process.exit(0);
}
// Sections 1-3 and 6 run tlsprobe in this process: run it with the node flags the systemd unit runs
// the agent with, as sections 4 and 7 do in their child processes. The bare clients, their worker
// threads in this process, get the same flags: the ratios compare code, not V8 settings.
const restart = restartArgs(process.execArgv, process.argv, process.env);
if (restart) {
  const again = spawnSync(process.execPath, restart, { stdio: 'inherit', env: { ...process.env, [RESTARTED_ENV]: '1' } });
  if (again.error) throw again.error;
  process.exit(again.status ?? 1);
}
const pick = <T, K extends keyof T>(x: T, keys: K[]): Pick<T, K> => Object.fromEntries(keys.map((k) => [k, x[k]])) as Pick<T, K>;
const started = performance.now();
const report: Report = {
  meta: {
    date: new Date().toISOString(),
    node: process.version,
    nodeFlags: process.execArgv.filter((f) => f !== '--expose-gc'),
    cores: o.cores,
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
    ...pick(o, ['quick', 'levels', 'judgeLevel', 'warmupMs', 'durationMs', 'rounds']),
  },
  verdicts: [],
  errors: {},
};
const progress = (msg: string): void => void process.stderr.write(`bench [${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${msg}\n`);

/** Runs one section; a failure is recorded and the others still run. */
async function section(name: Section, what: string, fn: () => Promise<void>): Promise<void> {
  if (!o.sections.has(name)) return;
  progress(what);
  try {
    await fn();
  } catch (err) {
    report.errors[name] = (err as Error).stack ?? String(err);
    progress(`section ${name} failed: ${(err as Error).message}`);
  }
}

const top = Math.max(...o.levels);
const needServers = ['limit', 'blackbox', 'tlsprobe', 'daemon', 'coldwarm'].some((s) => o.sections.has(s as Section));
let servers: BenchServers | null = null;
try {
  if (needServers) {
    progress(`starting nginx (HTTPS and CRLs) and Postfix on 127.0.0.1; issuing CA CRL with ${o.issuingCrlEntries.toLocaleString('en-US')} entries`);
    servers = await startServers(o.issuingCrlEntries);
  }
  const s = servers!;
  if (o.sections.has('limit') || o.sections.has('blackbox') || o.sections.has('tlsprobe')) {
    const which = [...o.sections].filter((x) => ['limit', 'blackbox', 'tlsprobe'].includes(x)).join(', ');
    progress(`(1-3) ${which} at c=${o.levels.join(',')}`);
    try {
      await measureRates(s, o, report, progress);
    } catch (err) {
      report.errors.rates = (err as Error).stack ?? String(err);
      progress(`sections 1-3 failed: ${(err as Error).message}`);
    }
  }
  await section('daemon', `(4) daemon with ${o.daemonTargets.toLocaleString('en-US')} targets at concurrency ${top}`, async () => {
    report.daemon = await measureDaemon(s, o, top);
  });
  await section('coldwarm', `(6) cold vs warm CRL cache, ${o.cycleTargets} targets`, async () => {
    report.coldWarm = await measureColdWarm(s, o, top);
  });
} catch (err) {
  report.errors.servers = (err as Error).stack ?? String(err);
} finally {
  await closeBenchPool();
  if (servers) {
    progress('stopping servers');
    await servers.stop();
  }
}
// After the servers stopped: the CRL section wants a quiet machine.
await section('crl', `(5) CRL cost, ${o.crlSizes.map((n) => n.toLocaleString('en-US')).join(' / ')} entries`, async () => {
  report.crl = await measureCrl(o);
});
await section('certs', `(7) distinct certificates, ${o.distinctCerts.toLocaleString('en-US')} leaves`, async () => {
  report.certs = await measureCerts(o);
});

report.verdicts = judge(report);
report.meta.totalMs = Math.round(performance.now() - started);
console.log(formatReport(report));
await mkdir(dirname(o.out), { recursive: true });
await writeFile(o.out, JSON.stringify(report, null, 2) + '\n');
progress(`done in ${(report.meta.totalMs / 1000).toFixed(0)} s; JSON in ${o.out}`);
// Worker threads, pools and sockets are all closed; exit explicitly so a stray handle cannot keep the bench alive.
process.exit(Object.keys(report.errors).length > 0 ? 1 : 0);
