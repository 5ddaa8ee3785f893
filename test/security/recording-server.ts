// A mail server that tempts the client (AUTH PLAIN LOGIN, LOGIN, USER) and records every line it receives, before and after TLS.
import * as net from 'node:net';
import * as tls from 'node:tls';
import { readLines } from '../../src/demo/lines.js';
import type { AddressInfo } from 'node:net';

export type Proto = 'smtp' | 'imap' | 'pop3';

export interface Recorder {
  port: number;
  /** Every command line received on the connection(s), in order, plain and over TLS alike. */
  received: string[];
  close(): Promise<void>;
}

type Reply = { say: string[]; tls?: boolean; quit?: boolean };

/** Answers as a server eager to take credentials would: every auth mechanism offered. */
function answer(proto: Proto, line: string, secure: boolean): Reply {
  const [first = '', second = ''] = line.split(' ');
  if (proto === 'smtp') {
    const verb = first.toUpperCase();
    if (verb === 'EHLO') return { say: ['250-mail.example.test Hello', '250-AUTH PLAIN LOGIN', '250-AUTH=PLAIN LOGIN', ...(secure ? [] : ['250-STARTTLS']), '250 SIZE 1000000'] };
    if (verb === 'STARTTLS') return { say: ['220 2.0.0 go ahead'], tls: true };
    if (verb === 'QUIT') return { say: ['221 bye'], quit: true };
    return { say: ['250 ok'] }; // even MAIL FROM would be welcomed: the probe must not send it
  }
  if (proto === 'imap') {
    const verb = second.toUpperCase();
    if (verb === 'CAPABILITY') return { say: [`* CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=LOGIN${secure ? '' : ' STARTTLS'}`, `${first} OK done`] };
    if (verb === 'STARTTLS') return { say: [`${first} OK begin TLS`], tls: true };
    if (verb === 'LOGOUT') return { say: ['* BYE', `${first} OK bye`], quit: true };
    return { say: [`${first} OK`] };
  }
  const verb = first.toUpperCase();
  if (verb === 'CAPA') return { say: ['+OK', 'USER', 'SASL PLAIN LOGIN', ...(secure ? [] : ['STLS']), '.'] };
  if (verb === 'STLS') return { say: ['+OK begin TLS'], tls: true };
  if (verb === 'QUIT') return { say: ['+OK bye'], quit: true };
  return { say: ['+OK'] };
}

const GREETING: Record<Proto, string> = { smtp: '220 mail.example.test ESMTP', imap: '* OK IMAP4rev1 ready', pop3: '+OK POP3 ready' };

export async function recordingServer(proto: Proto, cert: string, key: string, implicit = false): Promise<Recorder> {
  const received: string[] = [];
  const sockets = new Set<net.Socket>();
  const ctx = tls.createSecureContext({ cert, key });
  const serve = (socket: net.Socket, secure: boolean, greet: boolean): void => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    readLines(socket, (line) => {
      received.push(line);
      const r = answer(proto, line, secure);
      socket.write(r.say.map((l) => `${l}\r\n`).join(''));
      if (r.quit) {
        socket.end();
        return 'stop';
      }
      if (r.tls) {
        const t = new tls.TLSSocket(socket, { isServer: true, secureContext: ctx });
        t.on('error', () => socket.destroy());
        t.on('secure', () => serve(t, true, false)); // no second greeting after STARTTLS (RFC 3207 §4.2)
        return 'stop';
      }
    });
    if (greet) socket.write(`${GREETING[proto]}\r\n`);
  };
  const server = implicit
    ? tls.createServer({ cert, key }, (s) => serve(s, true, true))
    : net.createServer((s) => serve(s, false, true));
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
