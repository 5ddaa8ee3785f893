// Handshake-layer parsing: message reassembly across records, ServerHello fields, and the Certificate message body.
import { Reader } from './reader.js';
import { fail, type PresentedResult } from './types.js';

export const MAX_CERTIFICATES = 100;
export const MAX_CERTIFICATE_BYTES = 1024 * 1024;
/** Any real server flight message is far below this; it bounds reassembly against a hostile 2^24-1 length. */
export const MAX_HANDSHAKE_MESSAGE = 2 * 1024 * 1024;

/** RFC 8446 §4.1.3: a ServerHello with this random is a HelloRetryRequest. */
export const HRR_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');

const EXT_SUPPORTED_VERSIONS = 0x002b;

export const HS_NAMES: Readonly<Record<number, string>> = {
  0: 'HelloRequest', 1: 'ClientHello', 2: 'ServerHello', 4: 'NewSessionTicket', 5: 'EndOfEarlyData',
  8: 'EncryptedExtensions', 11: 'Certificate', 12: 'ServerKeyExchange', 13: 'CertificateRequest',
  14: 'ServerHelloDone', 15: 'CertificateVerify', 16: 'ClientKeyExchange', 20: 'Finished',
  22: 'CertificateStatus', 24: 'KeyUpdate', 25: 'CompressedCertificate',
};

export function hsName(type: number): string {
  return HS_NAMES[type] ?? `handshake message type ${type}`;
}

export interface HandshakeMessage {
  type: number;
  body: Buffer;
}

/**
 * Handshake messages may be split across records or share one (RFC 5246 §6.2.1, RFC 8446 §5.1).
 * Fragments are kept as a list and joined once a whole message is present, so many tiny
 * records cost linear, not quadratic, copying.
 */
export class HandshakeBuffer {
  private parts: Buffer[] = [];
  private total = 0;

  get pending(): number {
    return this.total;
  }

  push(fragment: Buffer): void {
    if (fragment.length === 0) return;
    this.parts.push(fragment);
    this.total += fragment.length;
  }

  /** The next complete message, null if more bytes are needed, or a string saying why the stream is bad. */
  next(): HandshakeMessage | null | string {
    if (this.total < 4) return null;
    const head: number[] = [];
    for (const p of this.parts) {
      for (let i = 0; i < p.length && head.length < 4; i++) head.push(p[i]!);
      if (head.length === 4) break;
    }
    const [type = 0, a = 0, b = 0, c = 0] = head;
    const len = (a << 16) | (b << 8) | c;
    if (len > MAX_HANDSHAKE_MESSAGE) return `${hsName(type)} claims ${len} bytes, over the ${MAX_HANDSHAKE_MESSAGE}-byte bound`;
    if (this.total < 4 + len) return null;
    const all = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.total);
    const rest = all.subarray(4 + len);
    this.parts = rest.length ? [rest] : [];
    this.total = rest.length;
    return { type, body: all.subarray(4, 4 + len) };
  }
}

export interface ServerHello {
  /** The negotiated version: supported_versions if present (RFC 8446 §4.2.1), else legacy_version. */
  version: number;
  cipherSuite: number;
  helloRetry: boolean;
}

/** RFC 5246 §7.4.1.3 / RFC 8446 §4.1.3. Extensions are optional before TLS 1.3. */
export function parseServerHello(body: Buffer): ServerHello | string {
  const r = new Reader(body);
  const legacyVersion = r.u16();
  const random = r.bytes(32);
  const sessionId = r.vector(1);
  const cipherSuite = r.u16();
  const compression = r.u8();
  if (legacyVersion === null || !random || !sessionId || cipherSuite === null || compression === null) {
    return 'ServerHello is truncated';
  }
  let version = legacyVersion;
  if (r.remaining > 0) {
    const exts = r.vector(2);
    if (!exts || r.remaining !== 0) return 'ServerHello extensions block is malformed';
    const er = new Reader(exts);
    while (er.remaining > 0) {
      const type = er.u16();
      const data = er.vector(2);
      if (type === null || !data) return 'ServerHello extension is truncated';
      if (type === EXT_SUPPORTED_VERSIONS) {
        if (data.length !== 2) return 'ServerHello supported_versions must hold exactly one version';
        version = data.readUInt16BE(0);
      }
    }
  }
  return { version, cipherSuite, helloRetry: random.equals(HRR_RANDOM) };
}

/**
 * Certificate body: RFC 5246 §7.4.2 `ASN.1Cert certificate_list<0..2^24-1>`, or RFC 8446 §4.4.2
 * `certificate_request_context<0..255>` then entries of `cert_data<1..2^24-1>` + `extensions<0..2^16-1>`.
 * The whole body must be consumed; order and duplicates are kept as sent.
 */
export function parseCertificateMessage(body: Buffer, tls13: boolean): PresentedResult {
  const r = new Reader(body);
  if (tls13 && !r.vector(1)) return fail('Certificate message is truncated (certificate_request_context)');
  const list = r.vector(3);
  if (!list) return fail('Certificate message is truncated (certificate_list length)');
  if (r.remaining !== 0) return fail(`Certificate message has ${r.remaining} bytes after certificate_list`);
  const lr = new Reader(list);
  const certificates: Buffer[] = [];
  let total = 0;
  while (lr.remaining > 0) {
    const der = lr.vector(3);
    if (!der) return fail(`certificate #${certificates.length + 1} overruns certificate_list`);
    if (der.length === 0) return fail(`certificate #${certificates.length + 1} is empty (the list allows 1..2^24-1 bytes)`);
    if (tls13 && !lr.vector(2)) return fail(`certificate #${certificates.length + 1} extensions overrun certificate_list`);
    total += der.length;
    if (certificates.length >= MAX_CERTIFICATES) return fail(`server presented more than ${MAX_CERTIFICATES} certificates`);
    if (total > MAX_CERTIFICATE_BYTES) return fail(`presented certificates exceed ${MAX_CERTIFICATE_BYTES} bytes`);
    // Copy: the caller may keep these long after the recorded flight is freed.
    certificates.push(Buffer.from(der));
  }
  return { certificates };
}
