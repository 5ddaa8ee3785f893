// Process-wide CRL cache: one download per URL and issuer until nextUpdate or max_age, shared in-flight
// fetches, failed fetches remembered for a minute, counters.
import type { ParsedCrl } from './crl-parse.js';
import type { FetchFailure } from './types.js';

/**
 * What stays in memory after a download: the parsed metadata and serial index, with the
 * verification outcomes in place of the DER views (`signature`, `issuer`) they were made from.
 */
export interface CachedCrl extends Omit<ParsedCrl, 'signature' | 'issuer'> {
  fetchedAt: number;
  bytes: number;
  fetchMs: number;
  encoding: 'der' | 'pem';
  /** The CRL's issuer name equals the certificate's issuer name (RFC 5280 §6.3.3 b). */
  issuerMatches: boolean;
  signature: 'valid' | 'invalid' | 'unverified';
  signatureError: string | null;
  /** thisUpdate and nextUpdate as results show them, made once per download. */
  thisUpdateIso: string;
  nextUpdateIso: string | null;
}

export type CrlLoad =
  | { ok: true; crl: CachedCrl; fromCache: boolean }
  | { ok: false; status: FetchFailure | 'invalid'; error: string; ms: number; bytes: number | null; fromCache?: boolean };

export interface CrlCacheStats {
  /** CRLs held. */
  size: number;
  /** Answered from the cache (a CRL, or a failure still remembered) or by joining a fetch already under way. */
  hits: number;
  /** Had to fetch. */
  misses: number;
  /** Fetches that returned a body (parseable or not). */
  downloads: number;
  /** Fetches that failed (remembered for `retryFailedAfterMs`, then the next probe tries again). */
  failures: number;
  /** Bytes downloaded, in total. */
  bytes: number;
  /** Bytes the cached serial indexes hold now. */
  retainedBytes: number;
}

interface Entry {
  crl: CachedCrl;
  expiresAt: number;
  /** What a hit returns (the same object each time: callers only read it). */
  hit: CrlLoad;
}

/**
 * How long a failed fetch is remembered. Without it, every wave of probes behind a CDP that times out
 * (a firewall dropping the packets) waited `crl.timeout` again: 1,000 targets at concurrency 16 and
 * 10 s took ~10 minutes a cycle, and the CDP got a request per wave. A minute still shows a repaired
 * CDP at the next probe after it.
 */
export const RETRY_FAILED_AFTER_MS = 60_000;

interface Failed {
  load: CrlLoad;
  /** When the failed fetch was asked for. */
  askedAt: number;
  retryAt: number;
}

export class CrlCache {
  private readonly entries = new Map<string, Entry>();
  private readonly failed = new Map<string, Failed>();
  private readonly inflight = new Map<string, Promise<CrlLoad>>();
  private readonly counters = { hits: 0, misses: 0, downloads: 0, failures: 0, bytes: 0 };

  constructor(
    private readonly maxEntries = 512,
    private readonly retryFailedAfterMs = RETRY_FAILED_AFTER_MS,
  ) {}

  /**
   * The CRL for `key` (URL + issuer key: the same URL verified against another key is another
   * entry). `load` runs at most once at a time per key; only a verified, usable CRL is kept.
   */
  async get(key: string, maxAgeMs: number, now: number, load: () => Promise<CrlLoad>): Promise<CrlLoad> {
    const cached = this.peek(key, maxAgeMs, now);
    if (cached) return cached;
    this.entries.delete(key); // expired, if it was there
    const running = this.inflight.get(key);
    if (running) {
      this.counters.hits++;
      return running;
    }
    this.counters.misses++;
    const promise = this.fetch(key, maxAgeMs, now, load).finally(() => this.inflight.delete(key));
    this.inflight.set(key, promise);
    return promise;
  }

  /**
   * The fresh CRL for `key` when the cache holds one (a hit, counted as get() counts it), without a
   * promise: the probes' common case. undefined when get() has to fetch or join a fetch.
   */
  peek(key: string, maxAgeMs: number, now: number): CrlLoad | undefined {
    const entry = this.entries.get(key);
    if (!entry) return this.failure(key, now);
    if (now >= entry.expiresAt || now - entry.crl.fetchedAt >= maxAgeMs) return undefined;
    this.counters.hits++;
    this.entries.delete(key); // re-insert: Map order doubles as LRU order
    this.entries.set(key, entry);
    return entry.hit;
  }

  stats(): CrlCacheStats {
    let retained = 0;
    for (const e of this.entries.values()) retained += e.crl.index.byteSize;
    return { size: this.entries.size, ...this.counters, retainedBytes: retained };
  }

  clear(): void {
    this.entries.clear();
    this.failed.clear();
  }

  /** A failed fetch of `key` still remembered at `now` (a hit), else undefined. */
  private failure(key: string, now: number): CrlLoad | undefined {
    const f = this.failed.get(key);
    if (!f) return undefined;
    // Date.now() can step back (a clock set by NTP): a failure from the "future" is not trusted either.
    if (now >= f.retryAt || now < f.askedAt) {
      this.failed.delete(key);
      return undefined;
    }
    this.counters.hits++;
    return f.load;
  }

  private async fetch(key: string, maxAgeMs: number, now: number, load: () => Promise<CrlLoad>): Promise<CrlLoad> {
    let out: CrlLoad;
    try {
      out = await load();
    } catch (err) {
      out = { ok: false, status: 'unreachable', error: `internal error: ${(err as Error).message}`, ms: 0, bytes: null };
    }
    const bytes = out.ok ? out.crl.bytes : out.bytes;
    if (bytes !== null) {
      this.counters.downloads++;
      this.counters.bytes += bytes;
    }
    if (!out.ok) {
      this.counters.failures++;
      if (this.retryFailedAfterMs > 0) this.remember(key, { ...out, fromCache: true }, now, out.ms);
      return out;
    }
    this.failed.delete(key);
    const crl = out.crl;
    const expiresAt = Math.min(crl.fetchedAt + maxAgeMs, crl.nextUpdate ?? Infinity);
    // A CRL that fails verification is not cached: once the CA republishes, the next probe sees it.
    if (crl.signature !== 'invalid' && crl.issuerMatches && crl.unknownCritical.length === 0 && expiresAt > crl.fetchedAt) {
      this.prune(crl.fetchedAt);
      this.entries.set(key, { crl, expiresAt, hit: { ok: true, crl, fromCache: true } });
    }
    return out;
  }

  /** The interval runs from when the fetch gave up (`askedAt` + its duration), not from when it was asked for. */
  private remember(key: string, load: CrlLoad, askedAt: number, ms: number): void {
    for (const [k, f] of this.failed) if (f.retryAt <= askedAt) this.failed.delete(k);
    while (this.failed.size >= this.maxEntries) this.failed.delete(this.failed.keys().next().value!);
    this.failed.set(key, { load, askedAt, retryAt: askedAt + ms + this.retryFailedAfterMs });
  }

  private prune(now: number): void {
    for (const [k, e] of this.entries) if (e.expiresAt <= now) this.entries.delete(k);
    while (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}

/** The one cache every probe in this process shares (tests inject their own). */
export const defaultCrlCache = new CrlCache();
