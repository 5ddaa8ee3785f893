// A tiny run of `npm run bench` (every section, a few probes each), so the benchmark cannot rot
// unnoticed: it must start its servers and blackbox_exporter, probe without failures, and report.
// The figures themselves are not judged here (CI machines are noisy); their shape is.
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUN = join(import.meta.dirname, '..', 'bench', 'results', 'build', 'bench', 'run.js');

interface Measured {
  concurrency: number;
  ok: number;
  failed: number;
  rate: number;
  cpuMs?: number;
}

describe('bench smoke run (--quick, 0.1 s rounds, 20 targets)', () => {
  it('runs every section against real servers without a failed probe, and reports every target', async () => {
    // npm test compiles the bench (tsconfig.bench.json) before vitest runs.
    expect(existsSync(RUN), `${RUN} missing: run "tsc -p tsconfig.bench.json"`).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'tlsprobe-bench-smoke-'));
    const out = join(dir, 'smoke.json');
    try {
      const stdout = await new Promise<string>((resolve, reject) => {
        execFile(
          process.execPath,
          ['--expose-gc', RUN, '--quick', '--duration=0.1', '--rounds=1', '--targets=20', `--out=${out}`],
          { timeout: 150_000, maxBuffer: 8 * 1024 * 1024 },
          (err, so, se) => (err ? reject(new Error(`bench failed: ${err.message}\n${so}\n${se}`)) : resolve(so)),
        );
      });
      const r = JSON.parse(readFileSync(out, 'utf8'));
      expect(r.errors).toEqual({});
      // The test starts the bench without the agent's node flags: it must rerun itself with the
      // systemd unit's, so that tlsprobe in sections 1-3 runs as the agent does (and the table says so).
      const unit = readFileSync(join(import.meta.dirname, '..', 'systemd', 'tlsprobe.service'), 'utf8');
      const unitFlags = /^ExecStart=\S*node((?:\s+--\S+)*)\s/m.exec(unit)![1]!.trim().split(/\s+/);
      expect(unitFlags.length).toBeGreaterThan(0);
      expect(r.meta.nodeFlags).toEqual(unitFlags);
      expect(stdout).toContain(`Node.js ${process.version} ${unitFlags.join(' ')},`);
      expect(r.blackboxSkipped, 'blackbox_exporter must run in the smoke run too').toBeUndefined();

      const rows: Array<[string, Measured[]]> = [
        ['limit https single', r.limit.https.single],
        ['limit https all cores', r.limit.https.allCores],
        ['limit smtp single', r.limit.smtp.single],
        ['limit smtp all cores', r.limit.smtp.allCores],
        ['limit smtp all cores, same dialogue as tlsprobe', r.limit.smtp.allCoresSameDialogue],
        ['limit https all cores, the floor (exact chain read)', r.limit.https.allCoresFloor],
        ['limit smtp all cores, the floor (same dialogue, exact chain read)', r.limit.smtp.allCoresFloor],
        ['blackbox https', r.blackbox.https],
        ['blackbox smtp', r.blackbox.smtp],
        ['blackbox smtp, same dialogue as tlsprobe', r.blackbox.smtpSameDialogue],
        ['tlsprobe https', r.tlsprobe.https],
        ['tlsprobe smtp', r.tlsprobe.smtp],
        ['capture only https', r.tlsprobe.captureOnly.https],
        ['capture only smtp', r.tlsprobe.captureOnly.smtp],
      ];
      for (const [what, levels] of rows) {
        expect(levels.length, what).toBeGreaterThan(0);
        for (const m of levels) {
          expect(m.failed, `${what} c=${m.concurrency}`).toBe(0);
          expect(m.ok, `${what} c=${m.concurrency}`).toBeGreaterThan(0);
          expect(m.rate, `${what} c=${m.concurrency}`).toBeGreaterThan(0);
          // The "CPU ms per handshake/probe" lines.
          expect(m.cpuMs, `${what} c=${m.concurrency} cpuMs`).toBeGreaterThan(0);
        }
      }
      // The floor (what tlsprobe must do, by the bare client) is a yardstick for tlsprobe's rate.
      expect(stdout).toMatch(/tlsprobe ÷ the floor +([\d.]+×|–)/);
      expect(r.blackbox.version, 'the version line of blackbox_exporter --version').toMatch(/version \d/);

      expect(r.daemon).toMatchObject({ targets: 20, ok: 20, failed: 0, crlDownloads: 2 });
      expect(r.daemon.skeleton, 'the skeleton of the design runs beside the agent').toMatchObject({ targets: 20, ok: 20, failed: 0 });
      expect(r.daemon.skeleton.peakRssBytes).toBeGreaterThan(0);
      // The start-up floor: the skeleton loads the agent's config, through its loader thread, before its first cycle.
      expect(r.daemon.skeleton.configLoadMs).toBeGreaterThan(0);
      expect(stdout, 'the floor of the start-up cycle is reported').toMatch(/skeleton: config load \+ first cycle +[\d.]+ s +[\d.]+× of the limit's/);
      // A steady cycle after start-up, in the same process, for the agent and for the skeleton.
      expect(r.daemon.steady).toHaveLength(1);
      expect(r.daemon.steady[0].wallMs).toBeGreaterThan(0);
      expect(r.daemon.steady[0].cpuMs).toBeGreaterThan(0);
      expect(r.daemon.skeleton.steady).toHaveLength(1);
      // The cycles' yardstick: the all-cores limit measured right before and after them.
      for (const at of [r.daemon.limitNearby.before, r.daemon.limitNearby.after]) {
        expect(at.https).toBeGreaterThan(0);
        expect(at.smtp).toBeGreaterThan(0);
      }
      expect(r.daemon.skeleton.steady[0].wallMs).toBeGreaterThan(0);
      expect(r.daemon.scrapeBytes).toBeGreaterThan(0);
      // The warm cycle downloads nothing; the cold one each distinct CRL URL once.
      expect(r.coldWarm.cold).toMatchObject({ ok: 20, failed: 0, downloads: r.coldWarm.distinctCrlUrls });
      expect(r.coldWarm.warm).toMatchObject({ ok: 20, failed: 0, downloads: 0 });
      expect(r.crl.sizes[0]).toMatchObject({ entries: 10_000 });
      expect(r.crl.sizes[0].indexBytes).toBeGreaterThan(0);
      // Section 7: every distinct leaf parsed, then found in the cache.
      expect(r.certs).toMatchObject({ chains: 20 });
      for (const k of ['opensslUs', 'firstUs', 'repeatUs']) expect(r.certs[k], k).toBeGreaterThan(0);
      // Memory per leaf is a figure (20 leaves are within the heap's noise): present, not judged.
      for (const k of ['retainedBytes', 'rssBytes']) expect(Number.isFinite(r.certs[k]), k).toBe(true);
      expect(stdout).toMatch(/^\(7\) Distinct certificates: 20 leaves/m);

      // Every target of the issue is judged, with a value.
      const names = (r.verdicts as Array<{ name: string; value: number | null }>).map((v) => v.name).join('\n');
      for (const want of ['vs blackbox_exporter, HTTPS', 'vs blackbox_exporter, SMTP', 'vs all-cores limit, HTTPS', 'vs all-cores limit, SMTP', 'peak RSS', '/metrics scrape', 'start-up cycle wall time', 'steady cycle wall time', 'event-loop delay p99', 'CRL: parse+index', 'CRL: retained memory', 'longest event-loop stall', 'CRL downloads']) {
        expect(names).toContain(want);
      }
      for (const v of r.verdicts) expect(Number.isFinite(v.value), v.name).toBe(true);
      expect(stdout).toContain('Targets');
      expect(stdout).toMatch(/^\(4\) Daemon, 20 targets/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
