// A pass-through Duplex between a raw socket and Node's TLS layer that records the server's bytes for the chain parser.
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { KeylogCollector } from './keylog.js';
import { parseServerFlight } from './records.js';
import { fail, type PresentedResult } from './types.js';

export const DEFAULT_TAP_MAX_BYTES = 256 * 1024;

export interface TapOptions {
  /** Stop recording (but keep forwarding) after this many server bytes; default 256 KiB. */
  maxBytes?: number;
}

export interface ChainTap {
  /** Pass this as `socket` to tls.connect instead of the raw net.Socket. */
  readonly stream: Duplex;
  /**
   * Call synchronously right after tls.connect() returns (before yielding to the event loop):
   * listens for the SERVER_HANDSHAKE_TRAFFIC_SECRET key log line that TLS 1.3 decryption needs.
   * Without it, TLS 1.3 results are `certificates: null`; TLS ≤ 1.2 does not need it.
   */
  watch(tlsSocket: TLSSocket): void;
  /**
   * Call once the handshake finished (secureConnect): stops recording, frees the buffer, removes
   * the key log listener and returns the presented DER list or null + why. Later calls return
   * the same result.
   */
  finish(tlsSocket: TLSSocket): PresentedResult;
}

/**
 * Taps `raw` from now on. Bytes that other code already consumed (e.g. an SMTP STARTTLS dialogue
 * read with its own 'data' listener, removed before this call) are never seen. Bytes still
 * buffered unread in `raw` are treated as the first TLS bytes, as tls.connect({ socket: raw })
 * itself would. `raw` must not have an encoding set. After tapping, use the TLSSocket (or
 * `raw` for timeouts/addresses), not `raw`'s data events.
 */
export function tapSocket(raw: Socket, opts: TapOptions = {}): ChainTap {
  const stream = new TapStream(raw, opts.maxBytes ?? DEFAULT_TAP_MAX_BYTES);
  let keylog: KeylogCollector | null = null;
  let result: PresentedResult | null = null;
  return {
    stream,
    watch(tlsSocket) {
      keylog?.stop();
      keylog = new KeylogCollector(tlsSocket);
    },
    finish(tlsSocket) {
      if (result) return result;
      const { bytes, capped } = stream.stopRecording();
      const watched = keylog?.socket === tlsSocket;
      const secrets = keylog?.stop();
      keylog = null;
      if (tlsSocket.isSessionReused()) {
        // Abbreviated/PSK handshakes carry no Certificate message (RFC 5246 §7.3, RFC 8446 §2.2).
        return (result = fail('session was resumed: the server sent no Certificate message'));
      }
      result = parseServerFlight(bytes, watched ? secrets : undefined);
      if (result.certificates === null) {
        if (capped) result = fail(`${result.why} (recording stopped at maxBytes=${stream.maxBytes})`);
        else if (!watched && tlsSocket.getProtocol() === 'TLSv1.3') result = fail(`${result.why} (call tap.watch(tlsSocket) right after tls.connect)`);
      }
      return result;
    },
  };
}

/** Writes go to `raw`; what `raw` receives is pushed (and recorded while recording). */
class TapStream extends Duplex {
  private chunks: Buffer[] = [];
  private recorded = 0;
  private recording = true;
  private capped = false;
  private eof = false;
  private pausedByUs = false;
  private pendingWrite: ((err?: Error | null) => void) | null = null;

  constructor(
    private readonly raw: Socket,
    readonly maxBytes: number,
  ) {
    // Half-close mirrors `raw`: its 'end' ends our readable side, our end() ends its writable side.
    super({ allowHalfOpen: true });
    raw.on('data', this.onData);
    raw.on('end', this.onEnd);
    raw.on('error', this.onError);
    raw.on('close', this.onClose);
    raw.on('drain', this.onDrain);
    // Leftovers in raw's buffer arrive through onData (read() emits 'data' for what it returns).
    while (raw.readableLength > 0 && raw.read() !== null);
    if (raw.isPaused()) raw.resume();
    if (raw.destroyed) process.nextTick(this.onClose);
  }

  stopRecording(): { bytes: Buffer; capped: boolean } {
    const bytes = Buffer.concat(this.chunks, this.recorded);
    this.recording = false;
    this.chunks = [];
    return { bytes, capped: this.capped };
  }

  private readonly onData = (chunk: Buffer | string): void => {
    if (typeof chunk === 'string') {
      this.destroy(new TypeError('tapSocket: the raw socket has an encoding set; TLS needs bytes'));
      return;
    }
    if (this.recording && !this.capped) {
      const room = this.maxBytes - this.recorded;
      const keep = chunk.length > room ? chunk.subarray(0, room) : chunk;
      this.capped = chunk.length > room;
      this.chunks.push(keep);
      this.recorded += keep.length;
    }
    // Backpressure: stop reading the kernel socket until our consumer calls _read again.
    if (!this.push(chunk)) {
      this.pausedByUs = true;
      this.raw.pause();
    }
  };

  private readonly onEnd = (): void => {
    if (!this.eof) {
      this.eof = true;
      this.push(null);
    }
  };

  private readonly onError = (err: Error): void => {
    this.destroy(err);
  };

  /** Close without 'end' counts as EOF; wait until the reader has taken what was buffered, then close. */
  private readonly onClose = (): void => {
    this.onEnd();
    if (this.readableEnded || this.destroyed) this.destroy();
    else this.once('end', () => this.destroy());
  };

  private readonly onDrain = (): void => {
    const cb = this.pendingWrite;
    this.pendingWrite = null;
    cb?.();
  };

  override _read(): void {
    if (this.pausedByUs) {
      this.pausedByUs = false;
      this.raw.resume();
    }
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.raw.write(chunk)) cb();
    else this.pendingWrite = cb;
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, cb: (err?: Error | null) => void): void {
    // The TLS layer writes several records at once; cork so the kernel gets them in one writev.
    this.raw.cork();
    for (const c of chunks) this.raw.write(c.chunk);
    this.raw.uncork();
    if (this.raw.writableNeedDrain) this.pendingWrite = cb;
    else cb();
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.raw.end();
    cb();
  }

  override _destroy(err: Error | null, cb: (err: Error | null) => void): void {
    this.raw.off('data', this.onData);
    this.raw.off('end', this.onEnd);
    this.raw.off('close', this.onClose);
    this.raw.off('drain', this.onDrain);
    // Keep onError attached: raw may still report an error while closing, and an unheard 'error' would throw.
    this.raw.off('error', this.onError);
    this.raw.on('error', ignore);
    this.pendingWrite = null;
    this.chunks = [];
    this.recording = false;
    this.raw.destroy();
    cb(err);
  }
}

function ignore(): void {}
