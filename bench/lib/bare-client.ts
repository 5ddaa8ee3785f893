// The machine's limit: minimal hand-written clients (one shared SecureContext, verification against the test root, setNoDelay).
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect, createSecureContext, type SecureContext, type TLSSocket } from 'node:tls';

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

export function bareOp(t: BareTarget, ctx: SecureContext): () => Promise<boolean> {
  return t.kind === 'https' ? () => httpsOnce(t, ctx) : () => smtpOnce(t, ctx);
}

/** TCP connect, TLS handshake verified against the root (chain and name), close. */
function httpsOnce(t: BareTarget, ctx: SecureContext): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: HOST, port: t.port, servername: t.servername, secureContext: ctx, rejectUnauthorized: true });
    s.setNoDelay(true);
    s.setTimeout(TIMEOUT_MS, () => s.destroy(new Error('timeout')));
    s.once('secureConnect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', (e) => (s.destroy(), reject(e)));
  });
}

/** Banner, EHLO, STARTTLS, verified handshake, QUIT (not waiting for 221), close. */
function smtpOnce(t: BareTarget, ctx: SecureContext): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const plain = netConnect({ host: HOST, port: t.port });
    plain.setNoDelay(true);
    let tls: TLSSocket | null = null;
    let buf = '';
    let step = 0; // 0 banner, 1 EHLO reply, 2 STARTTLS reply
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
        else return fail(new Error(`unexpected reply at step ${step}: ${line.slice(0, 80)}`));
      }
    };
    const upgrade = (): void => {
      plain.off('data', onData);
      tls = tlsConnect({ socket: plain, servername: t.servername, secureContext: ctx, rejectUnauthorized: true });
      tls.once('secureConnect', () => {
        clearTimeout(timer);
        tls!.end('QUIT\r\n');
        tls!.destroySoon();
        resolve(true);
      });
      tls.once('error', fail);
    };
    plain.on('data', onData);
    plain.once('error', fail);
    plain.once('close', () => tls === null && fail(new Error('server closed the connection')));
  });
}
