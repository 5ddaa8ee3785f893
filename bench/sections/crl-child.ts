// Child process of section 5, one per run: `size N` generates an N-entry CRL (src/pki createLargeCrl), then times and
// weighs what the parser keeps; `stall N` watches the event loop during a second parse of one.
import { createChain, createLargeCrl, largeCrlSerial } from '../../src/pki/index.js';
import { childMain } from '../lib/child.js';
import { parseAndIndex } from '../lib/crl-api.js';
import { gc, startMonitor } from '../lib/monitor.js';
import type { CrlResult, CrlSizeResult } from './crl.js';

const LOOKUPS = 200_000;
const heap = (): number => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};

async function measureSize(entries: number): Promise<CrlSizeResult> {
  const { intermediate } = await createChain({ reuseKeys: true });
  const g0 = performance.now();
  const der = (await createLargeCrl(intermediate, { count: entries })).der;
  const generateMs = performance.now() - g0;
  // Alternating revoked and unknown serials, built before the clock starts.
  const serials = Array.from({ length: LOOKUPS }, (_, i) => {
    const n = (i * 7919) % entries;
    return i % 2 === 0 ? largeCrlSerial(n) : largeCrlSerial(n + entries);
  });
  gc();
  const before = heap();
  const p0 = performance.now();
  const { crl, verify } = await parseAndIndex(der);
  const parseMs = performance.now() - p0;
  const v0 = performance.now();
  if (!(await verify(intermediate.certPem))) throw new Error(`the ${entries}-entry CRL's signature does not verify`);
  const verifyMs = performance.now() - v0;
  if (crl.size !== entries) throw new Error(`indexed ${crl.size} of ${entries} entries`);
  gc();
  const retainedBytes = heap() - before;
  const l0 = performance.now();
  let hits = 0;
  for (let i = 0; i < LOOKUPS; i++) if (crl.lookup(serials[i]!)) hits++;
  const lookupNs = ((performance.now() - l0) * 1e6) / LOOKUPS;
  if (hits !== LOOKUPS / 2) throw new Error(`lookups: ${hits} hits, expected ${LOOKUPS / 2}`);
  return { entries, derBytes: der.length, generateMs, parseMs, verifyMs, retainedBytes, indexBytes: crl.byteSize, lookupNs };
}

async function measureStall(entries: number): Promise<CrlResult['stall']> {
  const { intermediate } = await createChain({ reuseKeys: true });
  const der = (await createLargeCrl(intermediate, { count: entries })).der;
  // A first, unwatched pass, so that the watched one runs warm as in an agent that has parsed CRLs before.
  if (!(await (await parseAndIndex(der)).verify(intermediate.certPem))) throw new Error(`the ${entries}-entry CRL's signature does not verify`);
  gc();
  const monitor = startMonitor(1);
  const s0 = performance.now();
  const { verify } = await parseAndIndex(der);
  await verify(intermediate.certPem);
  const ms = performance.now() - s0;
  const m = monitor.stop();
  return { entries, ms, loopP99Ms: m.loopP99Ms, loopMaxMs: m.loopMaxMs, stallMaxMs: m.stallMaxMs };
}

childMain(async (): Promise<CrlSizeResult | CrlResult['stall']> => {
  const [mode, n] = process.argv.slice(2);
  const entries = Number(n);
  if (!(Number.isInteger(entries) && entries > 0)) throw new Error(`bad entry count ${n}`);
  if (mode === 'size') return measureSize(entries);
  if (mode === 'stall') return measureStall(entries);
  throw new Error(`usage: crl-child.js size|stall ENTRIES (got ${mode})`);
});
