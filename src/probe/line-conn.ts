// Reads CRLF lines from a plain or TLS socket with a length cap, a byte budget and a time bound.
import type { Duplex } from 'node:stream';
import { ProbeError, type Phase, type Reason } from './reasons.js';
import type { SizeLimits } from './limits.js';
import { toProbeError } from './errors.js';
import { hasControlBytes, quote } from './quote.js';
import { fmtMs } from './deadline.js';

const EMPTY = Buffer.alloc(0);

export class LineConn {
  private buf: Buffer = EMPTY;
  private total = 0;
  private failure: ProbeError | null = null;
  /** The phase in which the server closed, when that came first; its error is built on demand. */
  private closedIn: Phase | null = null;
  private wake: (() => void) | null = null;
  /** The phase name used when classifying socket errors. */
  phase: Phase = 'greeting';

  constructor(
    readonly socket: Duplex,
    private readonly limits: SizeLimits,
    /** Cap total bytes (before TLS only: after it, the TLS record layer bounds reads). */
    private readonly byteBudget: number | null,
  ) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
    socket.on('error', this.onError);
  }

  private readonly onData = (chunk: Buffer): void => {
    this.total += chunk.length;
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    if (this.byteBudget !== null && this.total > this.byteBudget) {
      this.fail(new ProbeError('too_much_data', `server sent more than ${this.byteBudget} bytes before TLS`, this.phase));
      this.socket.destroy();
    }
    this.notify();
  };

  private readonly onEnd = (): void => {
    // 'end' and then 'close' both land here, and only the first failure counts. The error (a stack
    // trace and a quoted tail) is built when a read meets it: a server closing after its goodbye,
    // once per probe, is read by nobody.
    if (this.failure || this.closedIn) return;
    this.closedIn = this.phase;
    this.notify();
  };

  /** The first failure: a socket error, a broken limit, or the server's close. */
  private firstFailure(): ProbeError | null {
    if (this.failure || this.closedIn === null) return this.failure;
    const partial = this.partial();
    if (hasControlBytes(partial)) return (this.failure = this.binary(partial, this.closedIn));
    const tail = this.buf.length ? ` after sending ${quote(this.buf)}` : '';
    return (this.failure = new ProbeError('connection_closed', `server closed the connection during ${this.closedIn}${tail}`, this.closedIn));
  }

  private readonly onError = (err: Error): void => {
    this.fail(toProbeError(err, this.phase));
  };

  private fail(err: ProbeError): void {
    if (this.closedIn === null) this.failure ??= err;
    this.notify();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  /**
   * Next line without its CRLF (a bare LF is accepted too). Waits until
   * `wait.until` (epoch ms); then rejects with `timeoutReason`.
   */
  async readLine(wait: Wait, timeoutReason: Reason, what: string): Promise<string> {
    const until = wait.until;
    for (;;) {
      const nl = this.buf.indexOf(0x0a);
      if (nl >= 0) {
        if (nl > this.limits.lineBytes) throw this.tooLong();
        const line = this.buf.subarray(0, nl > 0 && this.buf[nl - 1] === 0x0d ? nl - 1 : nl);
        this.buf = this.buf.subarray(nl + 1);
        return line.toString('latin1');
      }
      if (this.buf.length > this.limits.lineBytes) throw this.tooLong();
      const failure = this.firstFailure();
      if (failure) throw failure;
      const left = until - Date.now();
      if (left <= 0) throw this.timeout(timeoutReason, what, wait.ms);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.wake = null;
          resolve();
        }, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  write(line: string): void {
    if (!this.socket.destroyed) this.socket.write(`${line}\r\n`);
  }

  /** Stops reading (before a TLS upgrade); returns bytes the server sent that nobody read. */
  detach(): Buffer {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
    this.socket.off('error', this.onError);
    const rest = this.buf;
    this.buf = EMPTY;
    return rest;
  }

  private tooLong(): ProbeError {
    return new ProbeError('line_too_long', `server sent a line longer than ${this.limits.lineBytes} bytes: ${quote(this.buf)}`, this.phase);
  }

  /** The bytes after the last line end: an unfinished line. */
  private partial(): Buffer {
    return this.buf.subarray(this.buf.lastIndexOf(0x0a) + 1);
  }

  /** Binary bytes where a text line was due say more about the port than "timeout" or "closed" would. */
  private binary(partial: Buffer, phase = this.phase): ProbeError {
    return new ProbeError('protocol_error', `server sent binary data, not a text line, during ${phase}: ${quote(partial)}`, phase);
  }

  private timeout(reason: Reason, what: string, ms: number): ProbeError {
    if (hasControlBytes(this.partial())) return this.binary(this.partial());
    const partial = this.buf.length ? `; received so far: ${quote(this.buf)}` : '';
    return new ProbeError(reason, `no complete ${what} from the server within ${fmtMs(ms)}${partial}`, this.phase);
  }
}

/** A read bound: an absolute end time, and its length for messages. */
export interface Wait {
  until: number;
  ms: number;
}
