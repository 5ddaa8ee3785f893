// The agent's HTTP endpoints: /metrics, /probe?target=, /-/healthy, /-/ready and a small index page; optionally TLS and basic auth.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { WebConfig } from './web-settings.js';
import { BasicAuth } from './basic-auth.js';
import type { PackedBody } from '../metrics/packed-body.js';

export interface Endpoints {
  /** The body may come in chunks: written one by one, never joined into one large string. */
  metrics(): Promise<{ contentType: string; body: Body }>;
  /** null when the target is unknown. */
  probe(target: string): Promise<{ contentType: string; body: Body } | null>;
  ready(): boolean;
  status(): Record<string, string | number>;
}

/** A response body: text, or bytes produced block by block (/metrics with thousands of targets). */
export type Body = string | PackedBody;

export interface Listen {
  host: string;
  port: number;
}

export interface HttpServer {
  address: Listen;
  /** 'https' when the web config has tls_server_config. */
  scheme: 'http' | 'https';
  close(): Promise<void>;
}

/** Default listener: loopback only (expose it deliberately with --listen), on a port no well-known exporter uses. */
export const DEFAULT_LISTEN: Listen = { host: '127.0.0.1', port: 9947 };

export function parseListen(text: string): Listen | null {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  if (!m) return null;
  const port = Number(m[3]);
  if (port > 65535) return null;
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

/**
 * How long a response body may wait for the client to read on (tests shorten it). Only the write
 * side: /probe may legitimately stay silent for as long as a target's own deadline.
 */
export const WRITE_STALL_MS = 60_000;

export function startHttp(listen: Listen, ep: Endpoints, web: WebConfig | null = null, writeStallMs = WRITE_STALL_MS): Promise<HttpServer> {
  const auth = web?.users ? new BasicAuth(web.users) : null;
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    authorized(req, res, auth)
      .then((ok) => (ok ? handle(req, res, ep, writeStallMs) : undefined))
      .catch((err: unknown) => send(res, 500, `internal error: ${(err as Error).message}\n`));
  };
  const tls = web?.tls ?? null;
  const server: Server = tls
    ? createHttpsServer({ cert: tls.cert, key: tls.key, minVersion: tls.minVersion, maxVersion: tls.maxVersion, handshakeTimeout: 10_000 }, onRequest)
    : createServer(onRequest);
  // A client that fails the handshake (plain HTTP on the TLS port, a scanner) only loses its own connection.
  server.on('tlsClientError', () => {});
  // Bounded: a slow or idle client cannot hold the listener.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      const a = server.address() as AddressInfo;
      resolve({
        address: { host: a.address, port: a.port },
        scheme: tls ? 'https' : 'http',
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/** Every path is behind basic auth when users are configured, /-/healthy too (as exporter-toolkit does). */
async function authorized(req: IncomingMessage, res: ServerResponse, auth: BasicAuth | null): Promise<boolean> {
  if (!auth || (await auth.check(req.headers.authorization))) return true;
  res.writeHead(401, { 'www-authenticate': 'Basic', 'content-type': 'text/plain; charset=utf-8' });
  res.end('Unauthorized\n');
  return false;
}

async function handle(req: IncomingMessage, res: ServerResponse, ep: Endpoints, writeStallMs: number): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'only GET and HEAD\n');
  const url = new URL(req.url ?? '/', 'http://agent');
  switch (url.pathname) {
    case '/metrics': {
      const m = await ep.metrics();
      return send(res, 200, m.body, m.contentType, writeStallMs);
    }
    case '/probe': {
      const target = url.searchParams.get('target');
      if (!target) return send(res, 400, 'missing ?target=NAME\n');
      const m = await ep.probe(target);
      if (!m) return send(res, 404, `unknown target "${target}": /probe takes a target name from the configuration\n`);
      return send(res, 200, m.body, m.contentType, writeStallMs);
    }
    case '/-/healthy':
      return send(res, 200, 'OK\n');
    case '/-/ready':
      return ep.ready() ? send(res, 200, 'ready\n') : send(res, 503, 'not ready: configuration not loaded yet\n');
    case '/':
      return send(res, 200, indexPage(ep.status()), 'text/html; charset=utf-8');
    default:
      return send(res, 404, 'not found\n');
  }
}

function send(res: ServerResponse, status: number, body: Body, type = 'text/plain; charset=utf-8', writeStallMs = WRITE_STALL_MS): void {
  if (typeof body !== 'string') return sendPacked(res, status, body, type, writeStallMs);
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function indexPage(status: Record<string, string | number>): string {
  const esc = (s: string | number): string => String(s).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const rows = Object.entries(status).map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('');
  return `<!doctype html><html><head><title>tlsprobe</title></head><body><h1>tlsprobe</h1>
<ul><li><a href="/metrics">/metrics</a></li><li>/probe?target=NAME</li><li><a href="/-/healthy">/-/healthy</a></li><li><a href="/-/ready">/-/ready</a></li></ul>
<table>${rows}</table></body></html>\n`;
}

function sendPacked(res: ServerResponse, status: number, body: PackedBody, type: string, writeStallMs: number): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'content-type': type, 'content-length': body.length });
  if (res.req.method === 'HEAD') return void res.end();
  writeBlocks(res, body.blocks()[Symbol.iterator](), writeStallMs);
}

/**
 * Writes blocks until the socket pushes back, then waits for 'drain': memory stays bounded by what
 * the client has not read. A client that stops reading for `writeStallMs` is disconnected, so it
 * cannot hold the response (and the store snapshot it is written from) forever.
 */
function writeBlocks(res: ServerResponse, blocks: Iterator<Buffer>, writeStallMs: number): void {
  let stalled: NodeJS.Timeout | undefined;
  res.once('close', () => clearTimeout(stalled));
  const pump = (): void => {
    clearTimeout(stalled);
    for (let next = blocks.next(); !next.done; next = blocks.next()) {
      if (!res.write(next.value)) {
        if (res.destroyed) return;
        stalled = setTimeout(() => res.destroy(), writeStallMs);
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  pump();
}
