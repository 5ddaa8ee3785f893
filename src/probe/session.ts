// One probe's connection as drivers see it: bounded line reads, commands, timings and the TLS upgrade.
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Phase, Reason } from './reasons.js';
import { ProbeError } from './reasons.js';
import type { ProbeTarget } from './target.js';
import type { Timings } from './result.js';
import type { Deadline } from './deadline.js';
import { LineConn, type Wait } from './line-conn.js';
import { upgradeToTls } from './tls-upgrade.js';
import { captureTls, type Captured } from './capture.js';
import { quote } from './quote.js';

export type WaitKind = 'greeting' | 'reply' | 'http';

export class Session {
  conn: LineConn;
  tlsSocket: TLSSocket | null = null;
  captured: Captured | null = null;
  private current: Phase = 'greeting';

  constructor(
    readonly target: ProbeTarget,
    private readonly plain: Socket,
    readonly deadline: Deadline,
    readonly timings: Timings,
  ) {
    this.conn = new LineConn(plain, target.limits, target.limits.plainBytes);
  }

  get phaseName(): Phase {
    return this.current;
  }

  /** Runs one phase, adding its wall time to `timings[phase]`. */
  async phase<T>(phase: Phase, fn: () => Promise<T>): Promise<T> {
    this.current = phase;
    this.conn.phase = phase;
    const start = performance.now();
    try {
      return await fn();
    } finally {
      this.timings[phase] = (this.timings[phase] ?? 0) + (performance.now() - start);
    }
  }

  wait(kind: WaitKind): Wait {
    const t = this.target.timeouts;
    const ms = this.deadline.bound(kind === 'greeting' ? t.greetingMs : kind === 'http' ? t.httpMs : t.replyMs);
    return { until: Date.now() + ms, ms };
  }

  readLine(kind: WaitKind, reason: Reason, what: string, wait = this.wait(kind)): Promise<string> {
    return this.conn.readLine(wait, reason, what);
  }

  send(line: string): void {
    this.conn.write(line);
  }

  /**
   * Hands the socket to TLS, captures the handshake, and reads lines over TLS from then on.
   * `next`: the phase in which the client speaks first after the handshake ('session' for the
   * command after STARTTLS, 'http' for a request); the wait for TLS 1.3 session tickets (see
   * ticketsOrRtt) counts there, not as handshake time. null when the server speaks first (its
   * greeting follows the tickets) or nobody speaks: then there is nothing to wait for.
   */
  async startTls(alpn?: string[], next: Phase | null = 'session'): Promise<Captured> {
    const captured = await this.phase('handshake', async () => {
      const leftover = this.conn.detach();
      if (leftover.length > 0) {
        // Bytes after the STARTTLS go-ahead would be injected into the TLS session (CVE-2011-0411 class).
        throw new ProbeError('protocol_error', `server sent data after accepting STARTTLS: ${quote(leftover)}`, 'handshake');
      }
      const { socket, ocspResponse, presented } = await upgradeToTls(this.plain, {
        servername: this.target.servername,
        timeoutMs: this.deadline.bound(this.target.timeouts.handshakeMs),
        exactChain: this.target.exactChain !== false,
        ...(alpn ? { alpn } : {}),
      });
      this.tlsSocket = socket;
      this.captured = captureTls(socket, ocspResponse, presented, this.target.limits.chainCerts);
      this.conn = new LineConn(socket, this.target.limits, null);
      return this.captured;
    });
    const socket = this.tlsSocket!;
    if (next && socket.getProtocol() === 'TLSv1.3') await this.phase(next, () => this.ticketsOrRtt(socket));
    return captured;
  }

  /**
   * A TLS 1.3 server sends its session tickets right after the handshake. If our first command
   * goes out before they arrive, their ACK is delayed (delayed ACK) and the server's reply waits
   * behind them (Nagle): ~40 ms per probe against Postfix. Waiting about one round trip for the
   * first ticket lets the command carry that ACK. Bounded: servers without tickets cost at most
   * 1.5 × the connect time + 2 ms (100 ms at most).
   */
  private ticketsOrRtt(socket: TLSSocket): Promise<void> {
    const ms = Math.min(100, 2 + 1.5 * (this.timings.connect ?? 0));
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        socket.off('session', done);
        // 'session' is emitted from inside OpenSSL's read: writing from there stalls the
        // connection, so the first command goes out on the next turn of the event loop.
        setImmediate(resolve);
      };
      const timer = setTimeout(done, ms);
      socket.once('session', done);
    });
  }

  /** Destroys every socket of the probe; safe to call more than once. */
  close(): void {
    this.conn.detach();
    this.tlsSocket?.on('error', () => {}).destroy();
    this.plain.on('error', () => {}).destroy();
  }
}
