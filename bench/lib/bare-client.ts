// The machine's limit: minimal hand-written clients (one shared SecureContext, verification against the test root, setNoDelay).
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, createSecureContext, type SecureContext, type TLSSocket } from 'node:tls';
import { tapSocket, type ChainTap } from '../../src/probe/presented/index.js';
import { getCaptureContext } from '../../src/probe/tls-upgrade.js';

const HOST = '127.0.0.1';
const TIMEOUT_MS = 10_000;

export interface BareTarget {
  kind: 'https' | 'smtp';
  port: number;
  servername: string;
}

/** Created once per process or worker and shared by every handshake. */
export function bareContext(rootPem: string): SecureContext {
  return createSecureContext({ ca: rootPem });
}

/** What the client does beyond the limit client; both off: the limit client. */
export interface BareMode {
  /** SMTP: tlsprobe's dialogue, which the brief requires of it: EHLO again inside TLS and QUIT answered by 221 before closing. */
  sameDialogue: boolean;
  /**
   * Read the exact presented chain off the handshake as tlsprobe does (the issue asks for the chain
   * as sent, without a second handshake): the TLS layer runs over tlsprobe's chain tap, a JS stream
   * that records the server's bytes, and the Certificate message is parsed (TLS 1.3: decrypted with
   * the key log's secret). The handshake then uses tlsprobe's capture context, whose empty CA store
   * spares OpenSSL the chain's verification on every handshake: tlsprobe judges a chain once per
   * distinct chain, and every handshake here presents the same one. With `sameDialogue`: the least a
   * capture doing what tlsprobe must can cost.
   */
  readChain: boolean;
}

export const LIMIT_MODE: BareMode = { sameDialogue: false, readChain: false };
/** The limit client given tlsprobe's SMTP dialogue, chain not read (also the skeleton's captures). */
export const SAME_DIALOGUE: BareMode = { sameDialogue: true, readChain: false };

export function bareOp(t: BareTarget, ctx: SecureContext, mode: BareMode = LIMIT_MODE): () => Promise<boolean> {
  return t.kind === 'https' ? () => httpsOnce(t, ctx, mode) : () => smtpOnce(t, ctx, mode);
}

/** tls.connect on `socket` (over the chain tap when the mode reads the chain). */
function connectTls(socket: Socket, t: BareTarget, ctx: SecureContext, mode: BareMode): { tls: TLSSocket; tap: ChainTap | null } {
  const tap = mode.readChain ? tapSocket(socket) : null;
  const tls = tlsConnect({
    socket: tap ? tap.stream : socket,
    servername: t.servername,
    ...(tap ? { secureContext: getCaptureContext(), rejectUnauthorized: false } : { secureContext: ctx, rejectUnauthorized: true }),
  });
  tap?.watch(tls);
  return { tls, tap };
}

/** After secureConnect: the presented chain, or why it could not be read (a failed op). */
function chainError(tls: TLSSocket, tap: ChainTap | null): Error | null {
  const got = tap?.finish(tls);
  return got && got.certificates === null ? new Error(`chain not read: ${got.why}`) : null;
}

/** TCP connect, TLS handshake verified against the root (chain and name), close. */
function httpsOnce(t: BareTarget, ctx: SecureContext, mode: BareMode): Promise<boolean> {
  return new Promise((resolve, reject) => {
    // The limit's own client as it always was; the tap needs the TCP socket first.
    const { tls: s, tap } = mode.readChain
      ? connectTls(netConnect({ host: HOST, port: t.port }).setNoDelay(true), t, ctx, mode)
      : { tls: tlsConnect({ host: HOST, port: t.port, servername: t.servername, secureContext: ctx, rejectUnauthorized: true }), tap: null };
    s.setNoDelay(true);
    s.setTimeout(TIMEOUT_MS, () => s.destroy(new Error('timeout')));
    s.once('secureConnect', () => {
      const err = chainError(s, tap);
      s.destroy();
      if (err) reject(err);
      else resolve(true);
    });
    s.once('error', (e) => (s.destroy(), reject(e)));
  });
}

/** Banner, EHLO, STARTTLS, verified handshake, QUIT (not waiting for 221), close; or the same dialogue as tlsprobe. */
function smtpOnce(t: BareTarget, ctx: SecureContext, mode: BareMode): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const plain = netConnect({ host: HOST, port: t.port });
    plain.setNoDelay(true);
    let tls: TLSSocket | null = null;
    let buf = '';
    let step = 0; // 0 banner, 1 EHLO reply, 2 STARTTLS reply; same dialogue: 3 EHLO reply in TLS, 4 QUIT reply
    const timer = setTimeout(() => fail(new Error('timeout')), TIMEOUT_MS);
    const fail = (e: Error): void => {
      clearTimeout(timer);
      plain.destroy();
      tls?.destroy();
      reject(e);
    };
    const onData = (d: Buffer): void => {
      buf += d.toString('latin1');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line[3] === '-') continue; // continuation of a multi-line reply
        const code = line.slice(0, 3);
        if (step === 0 && code === '220') (step = 1), plain.write('EHLO bench.example.test\r\n');
        else if (step === 1 && code === '250') (step = 2), plain.write('STARTTLS\r\n');
        else if (step === 2 && code === '220') return upgrade();
        else if (step === 3 && code === '250') (step = 4), tls!.write('QUIT\r\n');
        else if (step === 4 && code === '221') return done();
        else return fail(new Error(`unexpected reply at step ${step}: ${line.slice(0, 80)}`));
      }
    };
    const upgrade = (): void => {
      plain.off('data', onData);
      const { tls: upgraded, tap } = connectTls(plain, t, ctx, mode);
      tls = upgraded;
      tls.once('secureConnect', () => {
        const err = chainError(tls!, tap);
        if (err) return fail(err);
        if (mode.sameDialogue) {
          step = 3;
          buf = '';
          tls!.on('data', onData);
          tls!.once('close', () => fail(new Error('server closed the connection inside TLS')));
          // As tlsprobe does: the EHLO waits for the first TLS 1.3 session ticket (~40 ms of
          // delayed ACK and Nagle otherwise), and goes out on the next turn of the loop.
          const ehlo = (): void => void setImmediate(() => tls!.write('EHLO bench.example.test\r\n'));
          if (tls!.getProtocol() === 'TLSv1.3') tls!.once('session', ehlo);
          else ehlo();
          return;
        }
        clearTimeout(timer);
        tls!.end('QUIT\r\n');
        tls!.destroySoon();
        resolve(true);
      });
      tls.once('error', fail);
    };
    const done = (): void => {
      clearTimeout(timer);
      tls!.destroy();
      resolve(true);
    };
    plain.on('data', onData);
    plain.once('error', fail);
    plain.once('close', () => tls === null && fail(new Error('server closed the connection')));
  });
}
