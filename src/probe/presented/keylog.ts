// NSS key log lines from a client TLSSocket's 'keylog' event, reduced to the secret the TLS 1.3 parser needs.
import type { TLSSocket } from 'node:tls';
import type { KeylogSecrets } from './types.js';

const LABEL = 'SERVER_HANDSHAKE_TRAFFIC_SECRET';

/** One `LABEL <client_random hex> <secret hex>` line (NSS SSLKEYLOGFILE format); null if it is not that. */
export function parseKeylogLine(line: Buffer | string): { label: string; clientRandom: Buffer; secret: Buffer } | null {
  const text = (typeof line === 'string' ? line : line.toString('latin1')).trim();
  const m = /^([A-Z0-9_]+) ([0-9a-fA-F]{64}) ((?:[0-9a-fA-F]{2})+)$/.exec(text);
  if (!m) return null;
  return { label: m[1]!, clientRandom: Buffer.from(m[2]!, 'hex'), secret: Buffer.from(m[3]!, 'hex') };
}

/** Reduces key log lines to the server handshake traffic secret; undefined if none was among them. */
export function keylogSecrets(lines: Iterable<Buffer | string>): KeylogSecrets | undefined {
  let found: KeylogSecrets | undefined;
  for (const line of lines) {
    const p = parseKeylogLine(line);
    if (p?.label === LABEL) found = { clientRandom: p.clientRandom, serverHandshakeTrafficSecret: p.secret };
  }
  return found;
}

/**
 * Listens on `tlsSocket`'s 'keylog' event. Node only turns OpenSSL's key log callback on once a
 * listener exists, so this must run before the ServerHello is processed — i.e. in the same tick as
 * tls.connect() (the server's bytes are delivered asynchronously). Only our one label is kept.
 */
export class KeylogCollector {
  private found: KeylogSecrets | undefined;

  constructor(readonly socket: TLSSocket) {
    socket.on('keylog', this.onLine);
  }

  private readonly onLine = (line: Buffer): void => {
    // Five lines per TLS 1.3 handshake (one before 1.3); compare the label before decoding any hex.
    if (line.toString('latin1', 0, LABEL.length + 1) !== `${LABEL} `) return;
    this.found = keylogSecrets([line]) ?? this.found;
  };

  /** Stops listening and returns what was seen. */
  stop(): KeylogSecrets | undefined {
    this.socket.off('keylog', this.onLine);
    return this.found;
  }
}
