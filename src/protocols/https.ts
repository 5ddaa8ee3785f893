// HTTPS: the handshake, then (when the URL has a path) one GET over that same connection with undici.
import { ProbeError } from '../probe/reasons.js';
import type { Session } from '../probe/session.js';
import type { HttpDetails } from '../probe/result.js';
import { quote } from '../probe/quote.js';
import type { Driver } from './driver.js';
import { bodyFailure, requestFailure } from './https-errors.js';

const MAX_HEADERS = 50;
const MAX_HEADER_VALUE = 256;

export const httpsDriver: Driver<HttpDetails | null> = {
  // HTTP/1.1 only: one request, and undici needs allowH2 for h2 anyway.
  alpn: ['http/1.1'],
  // No path, no request: the probe is the handshake alone, and nothing waits for session tickets.
  clientFirstPhase: (t) => (t.url.path === null ? null : 'http'),
  newDetails: (t) =>
    t.url.path === null ? null : { path: t.url.path, status: null, timeMs: null, headers: {}, bodyBytes: 0, bodyTruncated: false, body: '' },

  async run(s, d) {
    if (d === null) return;
    await s.phase('http', () => request(s, d, d.path));
    const expected = s.target.expectHttpStatus;
    if (d.status !== null && !expected.includes(d.status)) {
      throw new ProbeError('http_status', `GET ${d.path} answered ${d.status} (expected ${expected.join(' or ')}): ${quote(d.body, 80)}`, 'http');
    }
  },
};

async function request(s: Session, d: HttpDetails, path: string): Promise<void> {
  // Loaded on first use: a worker that only ever probes handshakes (SMTP, IMAP, bare https://)
  // saves undici's ~8 MB per thread.
  const { Client } = await import('../probe/undici.js');
  const socket = s.tlsSocket!;
  // undici reads the socket itself from here on.
  s.conn.detach();
  const { host, port } = s.target.url;
  const hostHeader = (host.includes(':') ? `[${host}]` : host) + (port === 443 ? '' : `:${port}`);
  const bound = s.deadline.bound(s.target.timeouts.httpMs);
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), bound);
  const client = new Client(`https://${hostHeader}`, {
    // Hand undici the socket whose handshake we captured: one connection, one handshake.
    // The callback must be async: undici 7 stalls if the connector answers re-entrantly.
    connect: (_opts, cb) => queueMicrotask(() => cb(null, socket)),
    headersTimeout: bound,
    bodyTimeout: bound,
    pipelining: 1,
  });
  const start = performance.now();
  try {
    const res = await client
      .request({ path, method: 'GET', headers: { host: hostHeader, 'user-agent': 'tlsprobe', accept: '*/*' }, signal: abort.signal })
      .catch((err: unknown) => {
        throw requestFailure(err, abort.signal.aborted, bound);
      });
    d.status = res.statusCode;
    d.timeMs = performance.now() - start;
    d.headers = pickHeaders(res.headers);
    const chunks: Buffer[] = [];
    const cap = s.target.limits.httpBodyBytes;
    let failure: ProbeError | null = null;
    try {
      for await (const chunk of res.body) {
        const buf = chunk as Buffer;
        const room = cap - d.bodyBytes;
        chunks.push(buf.subarray(0, Math.max(0, room)));
        d.bodyBytes += Math.min(buf.length, Math.max(0, room));
        if (buf.length > room) {
          d.bodyTruncated = true;
          break;
        }
      }
    } catch (err) {
      d.bodyTruncated = true;
      failure = bodyFailure(err, abort.signal.aborted, res.statusCode, d.bodyBytes);
    }
    res.body.destroy();
    d.body = Buffer.concat(chunks).toString('utf8');
    if (failure) throw failure;
  } finally {
    clearTimeout(timer);
    await client.destroy().catch(() => {});
  }
}

function pickHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers).slice(0, MAX_HEADERS)) {
    if (v === undefined) continue;
    out[k] = (Array.isArray(v) ? v.join(', ') : v).slice(0, MAX_HEADER_VALUE);
  }
  return out;
}
