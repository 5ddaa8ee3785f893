// Child process of section 5: generates each CRL (src/pki createLargeCrl), then times and weighs what the parser keeps.
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

childMain(async (): Promise<CrlResult> => {
  const sizes = process.argv.slice(2).map(Number);
  const { intermediate } = await createChain({ reuseKeys: true });
  const out: CrlSizeResult[] = [];
  let largest: Buffer | null = null;
  for (const entries of sizes) {
    const g0 = performance.now();
    const der = (await createLargeCrl(intermediate, { count: entries })).der;
    const generateMs = performance.now() - g0;
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
    for (let i = 0; i < LOOKUPS; i++) {
      const n = (i * 7919) % entries;
      if (crl.lookup(i % 2 === 0 ? largeCrlSerial(n) : largeCrlSerial(n + entries))) hits++;
    }
    const lookupNs = ((performance.now() - l0) * 1e6) / LOOKUPS;
    if (hits !== LOOKUPS / 2) throw new Error(`lookups: ${hits} hits, expected ${LOOKUPS / 2}`);
    out.push({ entries, derBytes: der.length, generateMs, parseMs, verifyMs, retainedBytes, indexBytes: crl.byteSize, lookupNs });
    if (entries === Math.max(...sizes)) largest = der;
  }
  gc();
  const entries = Math.max(...sizes);
  const monitor = startMonitor(1);
  const s0 = performance.now();
  const { verify } = await parseAndIndex(largest!);
  await verify(intermediate.certPem);
  const ms = performance.now() - s0;
  const m = monitor.stop();
  return { sizes: out, stall: { entries, ms, loopP99Ms: m.loopP99Ms, loopMaxMs: m.loopMaxMs, stallMaxMs: m.stallMaxMs } };
});
