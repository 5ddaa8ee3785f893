// Bounded HTTP(S) fetches for CRLs and OCSP: one deadline, a byte cap while streaming, a few redirects, errors as data.
import { request } from '../probe/undici.js';
import type { FetchOutcome } from './types.js';
import { describeNetError } from './net-error.js';

export interface HttpFetchOptions {
  timeoutMs: number;
  maxBytes: number;
  /** Redirects followed for GET (RFC 9110 §15.4); a CDP behind a moved site still works for CryptoAPI. */
  maxRedirects?: number;
  post?: { body: Buffer; contentType: string; accept: string };
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** What a declared Content-Length reserves before any byte has arrived. */
const FIRST_BLOCK = 8 * 1024 * 1024;

function grow(buf: Buffer, used: number, size: number): Buffer {
  const bigger = Buffer.allocUnsafe(size);
  buf.copy(bigger, 0, 0, used);
  return bigger;
}

export async function httpFetch(url: string, opts: HttpFetchOptions): Promise<FetchOutcome> {
  const started = performance.now();
  const ms = (): number => Math.round(performance.now() - started);
  const signal = AbortSignal.timeout(opts.timeoutMs);
  let current = url;
  try {
    for (let hop = 0; ; hop++) {
      const res = await request(current, {
        method: opts.post ? 'POST' : 'GET',
        signal,
        headersTimeout: opts.timeoutMs,
        bodyTimeout: opts.timeoutMs,
        // One request per connection: nothing lingers in a pool between probes.
        reset: true,
        headers: opts.post
          ? { 'content-type': opts.post.contentType, accept: opts.post.accept, 'user-agent': 'tlsprobe' }
          : { 'user-agent': 'tlsprobe' },
        ...(opts.post ? { body: opts.post.body } : {}),
      });
      if (REDIRECTS.has(res.statusCode) && !opts.post) {
        await res.body.dump();
        const location = res.headers.location;
        const next = typeof location === 'string' ? new URL(location, current) : null;
        if (!next || !/^https?:$/.test(next.protocol)) return fail('http_error', `HTTP ${res.statusCode} without a usable http(s) Location`);
        if (hop >= (opts.maxRedirects ?? 5)) return fail('http_error', `more than ${opts.maxRedirects ?? 5} redirects`);
        current = next.href;
        continue;
      }
      if (res.statusCode < 200 || res.statusCode > 299) {
        await res.body.dump();
        return fail(res.statusCode === 404 || res.statusCode === 410 ? 'not_found' : 'http_error', `HTTP ${res.statusCode}${current !== url ? ` from ${current}` : ''}`);
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > opts.maxBytes) {
        res.body.destroy();
        return fail('too_large', `Content-Length ${declared} exceeds the ${opts.maxBytes}-byte limit`);
      }
      // With a Content-Length the body is copied into place as it arrives (concatenating tens of MB
      // at the end would stall the event loop), into a buffer that grows with the bytes received up
      // to the declared length: a server declaring 100 MB and trickling bytes holds ~8 MiB, not 100.
      const known = Number.isFinite(declared) && declared >= 0;
      let into: Buffer | null = known ? Buffer.allocUnsafe(Math.min(declared, FIRST_BLOCK)) : null;
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        if (total + chunk.length > opts.maxBytes) {
          res.body.destroy();
          return fail('too_large', `more than ${opts.maxBytes} bytes`);
        }
        if (into) {
          if (total + chunk.length > declared) {
            res.body.destroy();
            return fail('http_error', `body longer than its Content-Length of ${declared} bytes`);
          }
          if (total + chunk.length > into.length) into = grow(into, total, Math.min(declared, Math.max(into.length * 2, total + chunk.length)));
          chunk.copy(into, total);
        } else chunks.push(chunk);
        total += chunk.length;
      }
      return { ok: true, body: into ? into.subarray(0, total) : Buffer.concat(chunks, total), ms: ms() };
    }
  } catch (err) {
    const timedOut = signal.aborted;
    return fail('unreachable', timedOut ? `no complete answer within ${opts.timeoutMs} ms` : describeNetError(err));
  }

  function fail(status: Exclude<FetchOutcome, { ok: true }>['status'], error: string): FetchOutcome {
    return { ok: false, status, error, ms: ms() };
  }
}
