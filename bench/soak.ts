// Soak run of the agent (`npm run soak`, SOAK_SECONDS to shorten): hundreds of loopback targets, a third hostile, scraped every second.
import { it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as http from 'node:http';
import { getHeapSpaceStatistics } from 'node:v8';
import { createChain } from '../src/pki/index.js';
import { Daemon } from '../src/daemon/daemon.js';
import { createLogger } from '../src/daemon/log.js';
import { startSoakServer, HEALTHY, HOSTILE, type SoakServer } from './soak-servers.js';

/*
 * vitest runs this file alone (bench/vitest.config.ts) in a worker started with --expose-gc, so heap
 * is compared after collection. The agent is the real Daemon in this process, the servers too; the
 * summary goes to stdout, and a bound exceeded fails the run (non-zero exit). Not part of `npm test`.
 * SOAK_SECONDS (default 120) and SOAK_TARGETS (default 300) shorten or widen it.
 */

const SECONDS = Number(process.env.SOAK_SECONDS ?? 120);
const TARGETS = Number(process.env.SOAK_TARGETS ?? 300);
const CONCURRENCY = 64;
/** Bounds: generous for noise, far below what a per-probe leak would add over hundreds of cycles. */
const HEAP_GROWTH_MAX = 16 * 1024 * 1024;
const HANDLES_GROWTH_MAX = 10;

const gc = (globalThis as { gc?: () => void }).gc;
const MiB = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MiB`;

/** Lets sockets whose peer just closed finish closing (bounded): both rest points are measured alike. */
async function settled(): Promise<string[]> {
  let last = process.getActiveResourcesInfo();
  for (let i = 0; i < 30; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const now = process.getActiveResourcesInfo();
    if (now.length === last.length && i >= 2) return now;
    last = now;
  }
  return last;
}

/** Used bytes per V8 heap space, to tell retained objects (old_space) from warm-up (code_space). */
function spaces(): Record<string, number> {
  return Object.fromEntries(getHeapSpaceStatistics().map((x) => [x.space_name, x.space_used_size]));
}

function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc!();
  return process.memoryUsage().heapUsed;
}

/** Resource types present at the end beyond those after the first cycle, e.g. ["Timeout"]. */
function extra(before: string[], after: string[]): string[] {
  const left = [...before];
  return after.filter((t) => {
    const i = left.indexOf(t);
    return i < 0 || (left.splice(i, 1), false);
  });
}

/** The /metrics body, or null when the scrape failed (error, 5 s timeout, not HTTP 200). */
function scrape(url: string): Promise<string | null> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 5000, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(res.statusCode === 200 ? body : null));
      res.on('error', () => resolve(null));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
  });
}

it(`soak: ${TARGETS} targets for ${SECONDS}s`, async () => {
  expect(gc, 'run with --expose-gc (npm run soak does)').toBeTypeOf('function');
  const chain = await createChain({ names: ['mail.example.test'], reuseKeys: true });
  // A third hostile, spread over the five kinds; the rest healthy over the four protocols.
  const kinds = Array.from({ length: TARGETS }, (_, i) => (i % 3 === 2 ? HOSTILE[Math.floor(i / 3) % HOSTILE.length]! : HEALTHY[i % HEALTHY.length]!));
  const servers = new Map<string, SoakServer>();
  for (const k of new Set(kinds)) servers.set(k, await startSoakServer(k, chain));
  const dir = mkdtempSync(join(tmpdir(), 'tlsprobe-soak-'));
  writeFileSync(join(dir, 'root.pem'), chain.root.certPem);
  const lines = [
    `concurrency: ${CONCURRENCY}`,
    'defaults: { servername: mail.example.test, ehlo: soak.example.test, ca: [root.pem], system_ca: false, timeout: 2s, connect_timeout: 1s, schedule: "*/3 * * * * *" }',
    'targets:',
    ...kinds.map((k, i) => `  - { name: ${k}-${String(i).padStart(3, '0')}, url: "${servers.get(k)!.url}" }`),
  ];
  writeFileSync(join(dir, 'targets.yaml'), lines.join('\n'));

  const logLines = { warn: 0, error: 0 };
  const log = createLogger('warn', (l) => void (l.includes('"level":"error"') ? logLines.error++ : logLines.warn++));
  const options = { configPath: join(dir, 'targets.yaml'), listen: { host: '127.0.0.1', port: 0 }, shard: null, log };
  const handles0 = process.getActiveResourcesInfo().length;

  // While the agent runs, open handles and live heap follow what is in flight (sockets, jitter
  // timers, half-read replies), so "where they were after the first cycle" is measured at rest:
  // one agent runs the first cycle and stops; a second agent then soaks and stops. Both points hold
  // the same state (one stopped agent with its latest results), and module-level caches carry over.
  const t0 = Date.now();
  let first: Daemon | null = new Daemon(options);
  await first.start();
  const firstCycleMs = Date.now() - t0;
  await scrape(`${first.url}/metrics`); // the scrape path warmed up at both rest points alike
  await first.stop();
  const types1 = await settled();
  const heap1 = heapAfterGc();
  const spaces1 = spaces();
  first = null; // at the end, too, only one stopped agent (the soaked one) is alive
  const handles1 = types1.length;

  const daemon = new Daemon(options);
  await daemon.start();
  const scrapes = { ok: 0, failed: 0 };
  const handleSamples: number[] = [];
  const heapSamples: number[] = [];
  const end = Date.now() + SECONDS * 1000;
  while (Date.now() < end) {
    const tick = Date.now();
    (await scrape(`${daemon.url}/metrics`))?.includes(`tlsprobe_targets ${TARGETS}`) ? scrapes.ok++ : scrapes.failed++;
    handleSamples.push(process.getActiveResourcesInfo().length);
    heapSamples.push(process.memoryUsage().heapUsed);
    await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - tick))));
  }
  const metrics = await scrape(`${daemon.url}/metrics`);
  const probes = [...(metrics ?? '').matchAll(/^tlsprobe_probes_total\{result="(\w+)",reason="(\w*)"\} (\d+)/gm)];
  const probesRun = probes.reduce((n, m) => n + Number(m[3]), 0);
  const reasons = Object.fromEntries(probes.map((m) => [m[2] || m[1], Number(m[3])]));
  const skipped = Number(/^tlsprobe_scheduled_runs_skipped_total\{reason="overlap"\} (\d+)/m.exec(metrics ?? '')?.[1] ?? 0);
  const inFlightAtStop = daemon.inFlight;
  await daemon.stop();
  const typesEnd = await settled();
  const heapEnd = heapAfterGc();
  const spacesEnd = spaces();
  const handlesEnd = typesEnd.length;
  const rss = process.memoryUsage().rss;
  for (const s of servers.values()) await s.close();
  await new Promise((r) => setTimeout(r, 500));
  const handlesClosed = process.getActiveResourcesInfo().length;

  const summary = {
    seconds: SECONDS, targets: TARGETS, firstCycleMs,
    heapAfterFirstCycle: MiB(heap1), heapAtEnd: MiB(heapEnd), heapGrowth: MiB(heapEnd - heap1),
    heapGrowthBySpace: Object.fromEntries(Object.entries(spacesEnd).filter(([k, v]) => Math.abs(v - (spaces1[k] ?? 0)) > 256 * 1024).map(([k, v]) => [k, MiB(v - (spaces1[k] ?? 0))])),
    heapWhileRunning: { min: MiB(Math.min(...heapSamples)), max: MiB(Math.max(...heapSamples)) },
    handles: { beforeStart: handles0, afterFirstCycle: handles1, atEnd: handlesEnd, extraAtEnd: extra(types1, typesEnd), whileRunning: { min: Math.min(...handleSamples), max: Math.max(...handleSamples) }, inFlightAtStop, afterServersClosed: handlesClosed },
    scrapes, probesRun, skippedOverlap: skipped, reasons, logLines, rss: MiB(rss),
  };
  console.log(`tlsprobe soak summary\n${JSON.stringify(summary, null, 2)}`);
  expect(metrics, 'the final /metrics scrape answered').not.toBeNull();
  expect(scrapes.failed, 'every scrape answered').toBe(0);
  expect(probesRun, 'probes ran on schedule').toBeGreaterThan(TARGETS * Math.max(1, Math.floor(SECONDS / 3) - 2) * 0.5);
  expect(heapEnd - heap1, `heap grew from ${MiB(heap1)} to ${MiB(heapEnd)}`).toBeLessThan(HEAP_GROWTH_MAX);
  expect(handlesEnd - handles1, 'handles at the end vs after the first cycle').toBeLessThanOrEqual(HANDLES_GROWTH_MAX);
  expect(handlesClosed - handles0, 'handles once the servers are closed vs before start').toBeLessThanOrEqual(HANDLES_GROWTH_MAX);
  expect(logLines.error, 'no internal errors logged').toBe(0);
}, (SECONDS + 120) * 1000);
