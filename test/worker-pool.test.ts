// Captures on worker threads give the same results as on the main thread (uses the built dist/,
// which `npm test` builds first: workers need JavaScript).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync } from 'node:fs';
import { startMailServer, type RunningServer } from '../src/demo/mail-server.js';
import { testChain } from './helpers/certs.js';
import { testTarget } from './helpers/probe.js';
import { closedPort } from './helpers/scripted.js';
import { ProbePool as SourcePool } from '../src/run/worker-pool.js';
import { runProbe, withChain } from '../src/probe/runner.js';
import { captureProbe } from '../src/probe/capture-probe.js';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { tempFiles } from './helpers/cli.js';

const DIST = new URL('../dist/run/worker-pool.js', import.meta.url);
let server: RunningServer;

beforeAll(async () => {
  const chain = await testChain();
  server = await startMailServer({ protocol: 'smtp', cert: chain.chainPem, key: chain.leaf.keyPem });
});
afterAll(() => server.close());

describe('ProbePool', () => {
  it('runs captures on worker threads, with the same results as in-process', async () => {
    expect(existsSync(DIST), 'dist/ missing: run npm run build (npm test does)').toBe(true);
    const { ProbePool } = (await import(DIST.href)) as typeof import('../src/run/worker-pool.js');
    expect(ProbePool.available()).toBe(true);
    const pool = new ProbePool(2);
    try {
      const target = testTarget(`smtp://127.0.0.1:${server.port}`);
      const results = await Promise.all(Array.from({ length: 6 }, () => pool.probe(target)));
      const here = await runProbe(target);
      for (const r of results) {
        // The worker sends the chain as DER; the main thread parses it into the same CertInfo.
        expect(r.chain).toEqual(here.chain);
        expect(Object.keys(r)).toEqual(Object.keys(here));
        expect(r.error).toBeNull();
        expect(r.smtp?.transcript).toEqual(['EHLO probe.example.test', 'STARTTLS', 'EHLO probe.example.test', 'QUIT']);
        expect(r.chain).toHaveLength(2);
        expect(r.tls?.chainSource).toBe('presented');
      }
      const refused = await pool.probe(testTarget(`smtp://127.0.0.1:${await closedPort()}`));
      expect(refused.error?.reason).toBe('connect_refused');
    } finally {
      await pool.close();
    }
  });

  it('finishing a capture never throws: a certificate the parser refuses fails the probe with a reason', async () => {
    const captured = await captureProbe(testTarget(`smtp://127.0.0.1:${server.port}`));
    expect(captured.chainDer).toHaveLength(2);
    expect(withChain(structuredClone(captured))).toMatchObject({ ok: true, error: null });
    const broken = { ...structuredClone(captured), chainDer: [captured.chainDer[0]!.subarray(0, 40), captured.chainDer[1]!] };
    const r = withChain(broken);
    expect(r.ok).toBe(false);
    expect(r.error).toMatchObject({ reason: 'tls_handshake_failed', phase: 'handshake' });
    expect(r.error!.message).toMatch(/presented certificate could not be parsed/);
    expect(r.chain).toEqual([]);
    expect(r.tls?.protocol).toBe(captured.tls?.protocol); // what was captured is kept
  });

  it('capture workers load no certificate parser (@peculiar/x509) and no HTTP client (undici) until needed', async () => {
    // Cheap witnesses of a thread's module graph: reflect-metadata, which src/x509/peculiar.ts
    // imports for @peculiar/x509, installs Reflect.getMetadata; undici is CommonJS, so it shows in require.cache.
    const loads = (module: string): Promise<{ peculiar: string; undici: boolean }> => {
      const w = new Worker(
        `const { parentPort } = require('node:worker_threads');
         import(${JSON.stringify(new URL(module, import.meta.url).href)}).then(() => parentPort.postMessage({
           peculiar: typeof Reflect.getMetadata,
           undici: Object.keys(require.cache).some((k) => k.includes('/node_modules/undici/')),
         }));`,
        { eval: true },
      );
      return new Promise<{ peculiar: string; undici: boolean }>((resolve, reject) =>
        w.once('message', resolve).once('error', reject).once('exit', (code) => reject(new Error(`worker exited (${code}) without answering`))),
      ).finally(() => w.terminate());
    };
    expect(await loads('../dist/run/probe-worker.js')).toEqual({ peculiar: 'undefined', undici: false });
    // The witnesses work:
    expect((await loads('../dist/probe/runner.js')).peculiar).toBe('function');
    expect((await loads('../dist/probe/undici.js')).undici).toBe(true);
  });

  it('stops replacing workers that die before answering (no respawn loop) and probes on the calling thread', async () => {
    const script = join(tempFiles({ 'crash.mjs': "throw new Error('broken build');\n" }), 'crash.mjs');
    const why: string[] = [];
    const pool = new SourcePool(2, { script, onBroken: (w) => why.push(w) });
    try {
      const target = testTarget(`smtp://127.0.0.1:${server.port}`);
      const first = await pool.probe(target); // sent to a dying worker, or run here once the pool gave up
      expect(first.ok || first.error?.reason === 'internal_error').toBe(true);
      for (const until = Date.now() + 10_000; pool.broken === null && Date.now() < until; ) await new Promise((r) => setTimeout(r, 20));
      expect(pool.broken).toMatch(/died 3 times in a row before answering \(last: .*broken build/);
      expect(why).toEqual([pool.broken]);
      expect((await pool.probe(target)).ok).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('runs on the calling thread when there is no worker script (TypeScript sources)', async () => {
    const pool = new SourcePool();
    expect(pool.size).toBe(0);
    const r = await pool.probe(testTarget(`smtp://127.0.0.1:${server.port}`));
    expect(r.ok).toBe(true);
    await pool.close();
  });
});
