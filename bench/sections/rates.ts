// Sections 1-3 together: at each level and server, the limit, blackbox_exporter and tlsprobe run in interleaved rounds.
import type { Contender, LoadResult } from '../lib/load.js';
import { interleave } from '../lib/load.js';
import type { BenchOptions } from '../lib/options.js';
import type { Report } from '../lib/report-types.js';
import { SERVERNAME, type BenchServers } from '../lib/servers.js';
import type { Kind } from '../lib/targets.js';
import { BLACKBOX_BIN, startBlackbox, type Blackbox } from './blackbox.js';
import { limitContenders } from './limit.js';
import { tlsprobeContenders } from './tlsprobe.js';

export async function measureRates(servers: BenchServers, o: BenchOptions, report: Report, progress: (m: string) => void): Promise<void> {
  const want = { limit: o.sections.has('limit'), blackbox: o.sections.has('blackbox'), tlsprobe: o.sections.has('tlsprobe') };
  let bb: Blackbox | null = null;
  if (want.blackbox) {
    bb = await startBlackbox(servers, o);
    if (!bb) report.blackboxSkipped = `${BLACKBOX_BIN} is missing (run scripts/install-test-deps.sh)`;
  }
  const empty = (): Record<Kind, LoadResult[]> => ({ https: [], smtp: [] });
  const limit1 = empty();
  const limitAll = empty();
  const blackbox = empty();
  const blackboxSameDialogue: LoadResult[] = [];
  const limitSameDialogue: LoadResult[] = [];
  const limitFloor = empty();
  const tlsprobe = empty();
  const captureOnly = empty();
  const captureNoTap = empty();
  try {
    for (const kind of ['https', 'smtp'] as const) {
      for (const c of o.levels) {
        progress(`  ${kind} c=${c}: ${o.rounds} interleaved rounds of ${o.durationMs / 1000} s`);
        const contenders: Contender[] = [];
        try {
          if (want.limit) {
            const port = kind === 'https' ? servers.httpsPort : servers.smtpPort;
            contenders.push(...(await limitContenders({ kind, port, servername: SERVERNAME }, servers.rootPem, o, c)));
          }
          if (bb) contenders.push(bb.contender(kind, c));
          if (bb && kind === 'smtp' && c === o.judgeLevel) contenders.push(bb.contender(kind, c, true));
          if (want.tlsprobe) contenders.push(...(await tlsprobeContenders(servers, kind, c, o)));
        } catch (err) {
          for (const x of contenders) await x.close?.();
          throw err;
        }
        const got = await interleave(contenders, o);
        const put = (key: string, into: Record<Kind, LoadResult[]>): void => void (got.has(key) && into[kind].push(got.get(key)!));
        put('limit1', limit1);
        put('limitAll', limitAll);
        put('blackbox', blackbox);
        put('limitAllFloor', limitFloor);
        if (got.has('limitAllSameDialogue')) limitSameDialogue.push(got.get('limitAllSameDialogue')!);
        if (got.has('blackboxSameDialogue')) blackboxSameDialogue.push(got.get('blackboxSameDialogue')!);
        put('tlsprobe', tlsprobe);
        put('captureOnly', captureOnly);
        put('captureNoTap', captureNoTap);
      }
    }
  } finally {
    await bb?.stop();
  }
  if (want.limit) {
    report.limit = {
      https: { single: limit1.https, allCores: limitAll.https, allCoresFloor: limitFloor.https },
      smtp: { single: limit1.smtp, allCores: limitAll.smtp, allCoresSameDialogue: limitSameDialogue, allCoresFloor: limitFloor.smtp },
    };
  }
  if (bb) report.blackbox = { version: bb.version, ...blackbox, smtpSameDialogue: blackboxSameDialogue };
  if (want.tlsprobe) report.tlsprobe = { ...tlsprobe, captureOnly, captureNoTap };
}
