// The soak run's loopback servers: healthy SMTP/IMAP/POP3/HTTPS, and hostile ones (silent, drip, garbage, reset, stalled handshake).
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { startMailServer, startHttpsServer } from '../src/demo/mail-server.js';
import type { Chain } from '../src/pki/index.js';
import { stallAfterServerHello } from '../test/hostile/stall-proxy.js';

export type Kind = 'smtp' | 'imap' | 'pop3' | 'https' | 'silent' | 'drip' | 'garbage' | 'reset' | 'stall';
export const HEALTHY: Kind[] = ['smtp', 'imap', 'pop3', 'https'];
export const HOSTILE: Kind[] = ['silent', 'drip', 'garbage', 'reset', 'stall'];

export interface SoakServer {
  kind: Kind;
  url: string;
  close(): Promise<void>;
}

/** A TCP server whose connections get `script`; closing destroys them all. */
async function tcp(script: (s: net.Socket) => void): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
    script(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => (sockets.forEach((s) => s.destroy()), server.close(() => resolve()))),
  };
}

function drip(s: net.Socket): void {
  const t = setInterval(() => (s.destroyed ? clearInterval(t) : s.write('2')), 250);
  s.on('close', () => clearInterval(t));
}

export async function startSoakServer(kind: Kind, chain: Chain): Promise<SoakServer> {
  const cert = chain.chainPem;
  const key = chain.leaf.keyPem;
  const at = (scheme: string, port: number, path = ''): string => `${scheme}://127.0.0.1:${port}${path}`;
  switch (kind) {
    case 'smtp':
    case 'imap':
    case 'pop3': {
      const s = await startMailServer({ protocol: kind, cert, key });
      return { kind, url: at(kind, s.port), close: () => s.close() };
    }
    case 'https': {
      const s = await startHttpsServer({ cert, key });
      return { kind, url: at('https', s.port, '/owa/healthcheck.htm'), close: () => s.close() };
    }
    case 'silent': {
      const s = await tcp(() => {});
      return { kind, url: at('smtp', s.port), close: s.close };
    }
    case 'drip': {
      const s = await tcp(drip);
      return { kind, url: at('imap', s.port), close: s.close };
    }
    case 'garbage': {
      const s = await tcp((sock) => sock.end(Buffer.from([0x00, 0xff, 0x16, 0x03, 0x01, 0x0d, 0x0a, 0x42])));
      return { kind, url: at('pop3', s.port), close: s.close };
    }
    case 'reset': {
      const s = await tcp((sock) => (sock.write('220 mail.example.test ESMTP\r\n'), setTimeout(() => sock.resetAndDestroy(), 5)));
      return { kind, url: at('smtp', s.port), close: s.close };
    }
    case 'stall': {
      // A real TLS server behind a proxy that forwards only its ServerHello: timeout_handshake every time.
      const server = tls.createServer({ cert, key });
      server.on('tlsClientError', () => {});
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const proxy = await stallAfterServerHello((server.address() as AddressInfo).port);
      return { kind, url: at('tls', proxy.port), close: async () => (await proxy.close(), await new Promise<void>((r) => server.close(() => r()))) };
    }
  }
}
