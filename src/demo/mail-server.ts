// Small in-process SMTP/IMAP/POP3/HTTPS servers with STARTTLS, for the demo and for driver tests.
import * as net from 'node:net';
import * as tls from 'node:tls';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { readLines } from './lines.js';

export type DemoProtocol = 'smtp' | 'imap' | 'pop3';

export interface MailServerOptions {
  protocol: DemoProtocol;
  /** Certificate chain (PEM, leaf first) and key the server presents. */
  cert: string;
  key: string;
  /** Implicit TLS (465/993/995 style) instead of STARTTLS. */
  implicit?: boolean;
  /** Offer STARTTLS/STLS (default true). */
  starttls?: boolean;
  /** Host name announced in the banner and EHLO reply. */
  hostname?: string;
  host?: string;
  /** Default: any free port. */
  port?: number;
}

export interface RunningServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

type Writer = (line: string) => void;
interface Dialogue {
  greeting(w: Writer): void;
  /** Returns 'starttls' when the next bytes are a TLS handshake, 'quit' to close. */
  command(line: string, w: Writer, secure: boolean): 'starttls' | 'quit' | void;
}

function dialogue(o: MailServerOptions): Dialogue {
  const name = o.hostname ?? 'mail.example.test';
  const offer = o.starttls !== false;
  switch (o.protocol) {
    case 'smtp':
      return {
        greeting: (w) => w(`220 ${name} ESMTP tlsprobe demo`),
        command(line, w, secure) {
          const verb = line.split(' ')[0]!.toUpperCase();
          if (verb === 'EHLO') {
            const caps = ['SIZE 37748736', 'PIPELINING', ...(offer && !secure ? ['STARTTLS'] : []), '8BITMIME'];
            [`${name} Hello`, ...caps].forEach((c, i, all) => w(`250${i === all.length - 1 ? ' ' : '-'}${c}`));
          } else if (verb === 'STARTTLS' && offer && !secure) {
            w('220 2.0.0 SMTP server ready');
            return 'starttls';
          } else if (verb === 'QUIT') {
            w('221 2.0.0 Bye');
            return 'quit';
          } else w('502 5.5.2 Command not implemented');
        },
      };
    case 'imap':
      return {
        greeting: (w) => w(`* OK ${name} IMAP4rev1 tlsprobe demo ready`),
        command(line, w, secure) {
          const [tag, cmd] = line.split(' ');
          const verb = (cmd ?? '').toUpperCase();
          if (verb === 'CAPABILITY') {
            w(`* CAPABILITY IMAP4rev1${offer && !secure ? ' STARTTLS LOGINDISABLED' : ' AUTH=PLAIN'}`);
            w(`${tag} OK CAPABILITY completed`);
          } else if (verb === 'STARTTLS' && offer && !secure) {
            w(`${tag} OK Begin TLS negotiation now`);
            return 'starttls';
          } else if (verb === 'LOGOUT') {
            w('* BYE Logging out');
            w(`${tag} OK LOGOUT completed`);
            return 'quit';
          } else w(`${tag} BAD unknown command`);
        },
      };
    case 'pop3':
      return {
        greeting: (w) => w(`+OK ${name} POP3 tlsprobe demo ready`),
        command(line, w, secure) {
          const verb = line.split(' ')[0]!.toUpperCase();
          if (verb === 'CAPA') {
            w('+OK Capability list follows');
            for (const c of ['TOP', 'UIDL', ...(offer && !secure ? ['STLS'] : ['USER']), '.']) w(c);
          } else if (verb === 'STLS' && offer && !secure) {
            w('+OK Begin TLS negotiation');
            return 'starttls';
          } else if (verb === 'QUIT') {
            w('+OK Bye');
            return 'quit';
          } else w('-ERR unknown command');
        },
      };
  }
}

export async function startMailServer(o: MailServerOptions): Promise<RunningServer> {
  const ctx = tls.createSecureContext({ cert: o.cert, key: o.key });
  const d = dialogue(o);
  const sockets = new Set<net.Socket>();
  const serve = (socket: net.Socket | tls.TLSSocket, secure: boolean, greet: boolean): void => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    const w: Writer = (line) => socket.write(`${line}\r\n`);
    readLines(socket, (line) => {
      const next = d.command(line, w, secure);
      if (next === 'quit') {
        socket.end();
        return 'stop';
      }
      if (next === 'starttls') {
        const upgraded = new tls.TLSSocket(socket, { isServer: true, secureContext: ctx });
        upgraded.on('secure', () => serve(upgraded, true, false));
        upgraded.on('error', () => socket.destroy());
        return 'stop';
      }
    });
    if (greet) d.greeting(w);
  };
  const server = o.implicit
    ? tls.createServer({ cert: o.cert, key: o.key }, (s) => serve(s, true, true))
    : net.createServer((s) => serve(s, false, true));
  return listen(server, o.host ?? '127.0.0.1', sockets, o.port);
}

export interface HttpsServerOptions {
  cert: string;
  key: string;
  host?: string;
  /** path → [status, body]; other paths answer 404. */
  routes?: Record<string, [number, string]>;
}

export async function startHttpsServer(o: HttpsServerOptions): Promise<RunningServer> {
  const routes = o.routes ?? { '/owa/healthcheck.htm': [200, '200 OK<br/>mail.example.test'] };
  const sockets = new Set<net.Socket>();
  const server = https.createServer({ cert: o.cert, key: o.key }, (req, res) => {
    const [status, body] = routes[req.url ?? ''] ?? [404, 'not found'];
    res.writeHead(status, { 'content-type': 'text/html' }).end(body);
  });
  server.on('secureConnection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return listen(server, o.host ?? '127.0.0.1', sockets);
}

function listen(server: net.Server, host: string, sockets: Set<net.Socket>, port = 0): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        host,
        port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
