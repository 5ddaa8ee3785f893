// The CRL cache (sharing, expiry, failures remembered for a while, counters) and the bounded HTTP fetcher against node:http on loopback.
import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CrlCache, type CachedCrl, type CrlLoad } from '../src/revocation/cache.js';
import { SerialIndex } from '../src/revocation/serial-index.js';
import { httpFetch } from '../src/revocation/fetch-http.js';
import { closedPort } from './helpers/scripted.js';
import { createChain } from '../src/pki/index.js';
import { gatherRevocation } from '../src/revocation/gather.js';
import { DEFAULT_CRL, DEFAULT_OCSP } from '../src/revocation/settings.js';
import { buildStore } from '../src/checks/trust.js';
import { resultWith } from './helpers/result.js';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-06-01T00:00:00Z');

function crl(o: Partial<CachedCrl> = {}): CachedCrl {
  const c = {
    fetchedAt: NOW, bytes: 100, fetchMs: 1, encoding: 'der' as const, thisUpdate: NOW - HOUR, nextUpdate: NOW + 10 * HOUR, crlNumber: '1',
    deltaOf: null, unknownCritical: [], indirect: false, issuerMatches: true, signature: 'valid' as const, signatureError: null,
    index: new SerialIndex(), ...o,
  };
  return { thisUpdateIso: new Date(c.thisUpdate).toISOString(), nextUpdateIso: c.nextUpdate === null ? null : new Date(c.nextUpdate).toISOString(), ...c };
}

function loader(out: () => CrlLoad, delayMs = 0) {
  const l = {
    calls: 0,
    fn: async (): Promise<CrlLoad> => {
      l.calls++;
      await new Promise((r) => setTimeout(r, delayMs));
      return out();
    },
  };
  return l;
}

describe('CrlCache', () => {
  it('downloads once and serves hits until nextUpdate or max_age, whichever comes first', async () => {
    const cache = new CrlCache();
    const l = loader(() => ({ ok: true, fromCache: false, crl: crl() }));
    expect(await cache.get('u', 24 * HOUR, NOW, l.fn)).toMatchObject({ ok: true, fromCache: false });
    expect(await cache.get('u', 24 * HOUR, NOW + HOUR, l.fn)).toMatchObject({ ok: true, fromCache: true });
    expect(l.calls).toBe(1);
    await cache.get('u', 24 * HOUR, NOW + 11 * HOUR, l.fn); // past nextUpdate
    expect(l.calls).toBe(2);
    await cache.get('u', 30 * 60_000, NOW + HOUR, l.fn); // older than this caller's max_age
    expect(l.calls).toBe(3);
    expect(cache.stats()).toMatchObject({ size: 1, hits: 1, misses: 3, downloads: 3, bytes: 300, failures: 0 });
  });

  it('peek answers fresh hits without a promise, by the same rules as get, and never fetches', async () => {
    const cache = new CrlCache();
    const l = loader(() => ({ ok: true, fromCache: false, crl: crl() }));
    expect(cache.peek('u', 24 * HOUR, NOW)).toBeUndefined(); // nothing yet: the caller has to get()
    await cache.get('u', 24 * HOUR, NOW, l.fn);
    const hit = cache.peek('u', 24 * HOUR, NOW + HOUR);
    expect(hit).toMatchObject({ ok: true, fromCache: true });
    expect(hit).not.toBeInstanceOf(Promise);
    expect(cache.peek('u', 24 * HOUR, NOW + 11 * HOUR), 'past nextUpdate').toBeUndefined();
    expect(cache.peek('u', 30 * 60_000, NOW + HOUR), "older than this caller's max_age").toBeUndefined();
    expect(l.calls).toBe(1);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, downloads: 1 });
  });

  it('shares one fetch between concurrent requests for the same key', async () => {
    const cache = new CrlCache();
    const l = loader(() => ({ ok: true, fromCache: false, crl: crl() }), 50);
    const all = await Promise.all(Array.from({ length: 20 }, () => cache.get('u', HOUR, NOW, l.fn)));
    expect(l.calls).toBe(1);
    expect(all.every((r) => r.ok)).toBe(true);
    expect(cache.stats()).toMatchObject({ hits: 19, misses: 1, downloads: 1 });
  });

  it('remembers a failed fetch for the retry interval, then fetches again', async () => {
    const cache = new CrlCache(512, 60_000);
    const failing = loader(() => ({ ok: false, status: 'unreachable', error: 'timed out after 10 s', ms: 10_000, bytes: null }));
    expect(await cache.get('a', HOUR, NOW, failing.fn)).toMatchObject({ ok: false, status: 'unreachable', error: 'timed out after 10 s' });
    expect(await cache.get('a', HOUR, NOW + 5_000, failing.fn), 'joins nothing, fetches nothing: answered from memory').toMatchObject({ ok: false, status: 'unreachable', fromCache: true });
    // The interval runs from when the fetch gave up (NOW + 10 s), not from when the probe asked.
    expect(cache.peek('a', HOUR, NOW + 69_000)).toMatchObject({ ok: false, fromCache: true });
    expect(failing.calls).toBe(1);
    expect(cache.peek('a', HOUR, NOW + 70_000), 'the interval is over').toBeUndefined();
    await cache.get('a', HOUR, NOW + 70_000, failing.fn);
    expect(failing.calls).toBe(2);
    // A clock that stepped back does not make a failure last longer than the interval.
    expect(cache.peek('a', HOUR, NOW - HOUR)).toBeUndefined();
    expect(cache.stats()).toMatchObject({ size: 0, failures: 2, hits: 2 });
  });

  it('remembers a CRL that fails verification or is stale for the same interval only, not until its nextUpdate', async () => {
    const cache = new CrlCache(512, 60_000);
    const forged = loader(() => ({ ok: true, fromCache: false, crl: crl({ signature: 'invalid' }) }));
    const stale = loader(() => ({ ok: true, fromCache: false, crl: crl({ nextUpdate: NOW - HOUR }) }));
    const wrongIssuer = loader(() => ({ ok: true, fromCache: false, crl: crl({ issuerMatches: false }) }));
    for (const [key, l] of [['b', forged], ['c', stale], ['d', wrongIssuer]] as const) {
      const first = await cache.get(key, HOUR, NOW, l.fn);
      expect(first).toMatchObject({ ok: true, fromCache: false });
      const again = await cache.get(key, HOUR, NOW + 30_000, l.fn);
      // The same CRL, judged again by the caller: still forged, stale or someone else's.
      expect(again.ok && again.crl).toBe(first.ok && first.crl);
      expect(again).toMatchObject({ fromCache: true });
      expect(l.calls).toBe(1);
      await cache.get(key, HOUR, NOW + 61_001, l.fn); // a minute after the fetch ended (fetchMs 1)
      expect(l.calls, `${key}: fetched again once the minute is over`).toBe(2);
    }
    expect(cache.stats()).toMatchObject({ size: 3, failures: 0, hits: 3 });
  });

  it('fetches again at once after a failure when the interval is 0, and forgets a failure once a fetch succeeds', async () => {
    const never = new CrlCache(512, 0);
    const failing = loader(() => ({ ok: false, status: 'not_found', error: 'HTTP 404', ms: 1, bytes: 10 }));
    await never.get('a', HOUR, NOW, failing.fn);
    await never.get('a', HOUR, NOW, failing.fn);
    expect(failing.calls).toBe(2);
    const cache = new CrlCache(512, 1_000);
    let ok = false;
    const flaky = loader(() => (ok ? { ok: true, fromCache: false, crl: crl() } : { ok: false, status: 'not_found', error: 'HTTP 404', ms: 1, bytes: 10 }));
    await cache.get('b', HOUR, NOW, flaky.fn);
    ok = true;
    expect(await cache.get('b', HOUR, NOW + 2_000, flaky.fn)).toMatchObject({ ok: true, fromCache: false });
    expect(await cache.get('b', HOUR, NOW + 2_500, flaky.fn)).toMatchObject({ ok: true, fromCache: true });
    expect(flaky.calls).toBe(2);
  });

  it('turns a throwing loader into data and stays bounded in entries', async () => {
    const cache = new CrlCache(3);
    const r = await cache.get('x', HOUR, NOW, () => Promise.reject(new Error('boom')));
    expect(r).toMatchObject({ ok: false, status: 'unreachable' });
    for (const k of ['1', '2', '3', '4', '5']) await cache.get(k, HOUR, NOW, async () => ({ ok: true, fromCache: false, crl: crl() }));
    expect(cache.stats().size).toBe(3);
  });
});

describe('httpFetch', () => {
  // 20 MB of a pattern (not one repeated byte), so a chunk copied to the wrong offset shows.
  const LARGE = Buffer.alloc(20_000_000);
  for (let i = 0; i < LARGE.length; i += 4) LARGE.writeUInt32BE(i, i);
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = req.url ?? '';
      if (url.startsWith('/hop/')) {
        const n = Number(url.slice(5));
        res.writeHead(302, { location: n > 0 ? `/hop/${n - 1}` : '/crl' }).end();
      } else if (url === '/crl') res.end(Buffer.alloc(1000, 1));
      else if (url === '/big') res.end(Buffer.alloc(70_000, 1)); // Content-Length says it up front
      else if (url === '/large') res.end(LARGE); // declared, and larger than the first block reserved for it
      else if (url === '/stream') {
        res.writeHead(200); // no content-length: the cap applies while streaming
        for (let i = 0; i < 10; i++) res.write(Buffer.alloc(10_000, 2));
        res.end();
      } else if (url === '/slow') setTimeout(() => res.end('late'), 2_000).unref();
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const opts = { timeoutMs: 1000, maxBytes: 50_000, maxRedirects: 5 };

  it('returns a declared body larger than the block it first reserves, byte for byte', async () => {
    const r = await httpFetch(`${base}/large`, { timeoutMs: 10_000, maxBytes: 50_000_000 });
    expect(r.ok).toBe(true);
    expect(r.ok && r.body.equals(LARGE)).toBe(true);
  });

  it('fetches, following a bounded number of redirects', async () => {
    expect(await httpFetch(`${base}/hop/4`, opts)).toMatchObject({ ok: true });
    expect(await httpFetch(`${base}/hop/5`, opts)).toMatchObject({ ok: false, status: 'http_error', error: expect.stringMatching(/more than 5 redirects/) });
  });

  it('reports not_found, too_large (declared or streamed), unreachable and timeouts as data', async () => {
    expect(await httpFetch(`${base}/missing`, opts)).toMatchObject({ ok: false, status: 'not_found', error: 'HTTP 404' });
    expect(await httpFetch(`${base}/big`, opts)).toMatchObject({ ok: false, status: 'too_large' });
    expect(await httpFetch(`${base}/stream`, opts)).toMatchObject({ ok: false, status: 'too_large' });
    const port = await closedPort();
    expect(await httpFetch(`http://127.0.0.1:${port}/crl`, opts)).toMatchObject({ ok: false, status: 'unreachable', error: expect.stringMatching(/refused/) });
    const started = performance.now();
    expect(await httpFetch(`${base}/slow`, { ...opts, timeoutMs: 300 })).toMatchObject({ ok: false, status: 'unreachable', error: expect.stringMatching(/within 300 ms/) });
    expect(performance.now() - started).toBeLessThan(1500);
  });
});

describe('gatherRevocation when the cache breaks mid-way', () => {
  it('reports the bug as data and leaves no fetch under way as an unhandled rejection', async () => {
    const pki = await createChain({ names: ['mail.example.test'], reuseKeys: true, leaf: { crlUrls: ['http://a.example.test/a.crl', 'http://b.example.test/b.crl'] } });
    const result = resultWith([pki.leaf, pki.intermediate]);
    const rejected: unknown[] = [];
    const onRejection = (reason: unknown): void => void rejected.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      // URL a: not cached, so fetched (a promise that fails a little later); URL b: the cache throws at once.
      const broken = {
        peek: (key: string) => {
          if (key.startsWith('http://b.')) throw new Error('cache bug');
          return undefined;
        },
        get: () => new Promise<CrlLoad>((_, reject) => setTimeout(() => reject(new Error('late failure')), 20)),
      } as unknown as CrlCache;
      const info = await gatherRevocation(result, { trust: buildStore([pki.root.certPem]), settings: { crl: DEFAULT_CRL, ocsp: DEFAULT_OCSP, ldap: null }, cache: broken, now: NOW });
      expect(info.error).toBe('internal error while gathering revocation data: cache bug');
      await new Promise((r) => setTimeout(r, 100)); // past the late failure
      expect(rejected).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });
});

