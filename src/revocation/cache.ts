// Process-wide CRL cache: one download per URL and issuer until nextUpdate or max_age, shared in-flight
// fetches, failures and unusable CRLs remembered for a minute, counters.
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
  /** CRLs held (unusable ones remembered for a while included; failures not). */
  size: number;
  /** Answered from the cache (a CRL, or a failure or unusable CRL still remembered) or by joining a fetch already under way. */
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
  /** What a hit returns (the same object each time: callers only read it). */
  hit: CrlLoad;
  /** When the fetch was asked for (a CRL's fetchedAt): the caller's max_age counts from it. */
  askedAt: number;
  expiresAt: number;
}

/**
 * How long what cannot be used is remembered: a failed fetch, and a CRL that fails verification or
 * is stale. Without it, every wave of probes behind a CDP that times out (a firewall dropping the
 * packets) waited `crl.timeout` again (1,000 targets at concurrency 16 and 10 s: ~10 minutes a
 * cycle), and a CA that stopped publishing had its stale CRL downloaded and parsed again by every
 * wave; the CDP got a request each time. A minute still shows a repaired CDP or a republished CRL at
 * the next probe after it.
 */
export const RETRY_FAILED_AFTER_MS = 60_000;

/** A clock set back by more than this (NTP) makes what was fetched "in the future" stale. */
const CLOCK_STEP_MS = 60_000;

export class CrlCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<CrlLoad>>();
  private readonly counters = { hits: 0, misses: 0, downloads: 0, failures: 0, bytes: 0 };

  constructor(
    private readonly maxEntries = 512,
    private readonly retryFailedAfterMs = RETRY_FAILED_AFTER_MS,
  ) {}

  /**
   * The CRL for `key` (URL + issuer key: the same URL verified against another key is another
   * entry). `load` runs at most once at a time per key; a verified, usable CRL is kept until its
   * nextUpdate or max_age, anything else for `retryFailedAfterMs`.
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
   * What the cache holds for `key` (a hit, counted as get() counts it), without a promise: the
   * probes' common case. undefined when get() has to fetch or join a fetch.
   */
  peek(key: string, maxAgeMs: number, now: number): CrlLoad | undefined {
    const entry = this.entries.get(key);
    if (!entry || now >= entry.expiresAt || now - entry.askedAt >= maxAgeMs || now < entry.askedAt - CLOCK_STEP_MS) return undefined;
    this.counters.hits++;
    this.entries.delete(key); // re-insert: Map order doubles as LRU order
    this.entries.set(key, entry);
    return entry.hit;
  }

  stats(): CrlCacheStats {
    let size = 0;
    let retained = 0;
    for (const { hit } of this.entries.values()) {
      if (!hit.ok) continue;
      size++;
      retained += hit.crl.index.byteSize;
    }
    return { size, ...this.counters, retainedBytes: retained };
  }

  clear(): void {
    this.entries.clear();
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
    if (!out.ok) this.counters.failures++;
    const expiresAt = this.keepUntil(out, maxAgeMs, now);
    if (expiresAt !== null) {
      this.prune(now);
      this.entries.set(key, { hit: { ...out, fromCache: true }, askedAt: out.ok ? out.crl.fetchedAt : now, expiresAt });
    }
    return out;
  }

  /** A usable CRL until its nextUpdate or max_age; the rest a while from when the fetch ended; null: not kept. */
  private keepUntil(out: CrlLoad, maxAgeMs: number, now: number): number | null {
    const retry = (ms: number): number | null => (this.retryFailedAfterMs > 0 ? now + ms + this.retryFailedAfterMs : null);
    if (!out.ok) return retry(out.ms);
    const crl = out.crl;
    const expiresAt = Math.min(crl.fetchedAt + maxAgeMs, crl.nextUpdate ?? Infinity);
    const usable = crl.signature !== 'invalid' && crl.issuerMatches && crl.unknownCritical.length === 0 && expiresAt > crl.fetchedAt;
    return usable ? expiresAt : retry(crl.fetchMs);
  }

  private prune(now: number): void {
    for (const [k, e] of this.entries) if (e.expiresAt <= now) this.entries.delete(k);
    while (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}

/** The one cache every probe in this process shares (tests inject their own). */
export const defaultCrlCache = new CrlCache();
