// Reads the negotiated parameters and the presented chain (as DER) off a finished TLS handshake.
import type { TLSSocket, DetailedPeerCertificate } from 'node:tls';
import type { TlsInfo } from './result.js';
import { ProbeError } from './reasons.js';
import type { PresentedResult } from './presented/index.js';

export interface Captured {
  tls: TlsInfo;
  /** Leaf first; each certificate copied into its own buffer (a view into a record buffer would post the whole record). */
  chainDer: Uint8Array[];
}

export function captureTls(socket: TLSSocket, ocspResponse: Buffer | null, presented: PresentedResult | null, maxCerts: number): Captured {
  const cipher = socket.getCipher();
  const eph = socket.getEphemeralKeyInfo();
  const exact = presented?.certificates ?? null;
  if (exact && exact.length > maxCerts) {
    throw new ProbeError('chain_too_long', `server presented ${exact.length} certificates (limit ${maxCerts})`, 'handshake');
  }
  const ders = exact ?? peerChainDer(socket, maxCerts);
  return {
    tls: {
      protocol: socket.getProtocol() ?? null,
      cipher: {
        name: cipher.name,
        standardName: cipher.standardName ?? null,
        version: cipher.version ?? null,
      },
      ephemeralKey:
        eph && 'type' in eph && eph.type
          ? { type: eph.type, name: (eph as { name?: string }).name ?? null, size: (eph as { size?: number }).size ?? null }
          : null,
      alpn: socket.alpnProtocol || null,
      ocspStapled: ocspResponse !== null && ocspResponse.length > 0,
      ...(ocspResponse !== null && ocspResponse.length > 0 ? { ocspResponse: ocspResponse.toString('base64') } : {}),
      chainSource: exact ? 'presented' : 'reconstructed',
      ...(presented && presented.certificates === null ? { chainNote: presented.why } : {}),
    },
    chainDer: ders.map((der) => Uint8Array.prototype.slice.call(der)),
  };
}

/**
 * The peer's certificates, leaf first. With the empty capture CA store Node
 * can only use what the server sent, so nothing is added; it does order them
 * issuer by issuer and drops certificates that chain to nothing.
 */
function peerChainDer(socket: TLSSocket, maxCerts: number): Buffer[] {
  const out: Buffer[] = [];
  let cert = socket.getPeerCertificate(true) as DetailedPeerCertificate | undefined;
  const seen = new Set<DetailedPeerCertificate>();
  while (cert && cert.raw && !seen.has(cert)) {
    if (out.length >= maxCerts) {
      throw new ProbeError('chain_too_long', `server presented more than ${maxCerts} certificates`, 'handshake');
    }
    seen.add(cert);
    out.push(cert.raw);
    const next = cert.issuerCertificate as DetailedPeerCertificate | undefined;
    if (!next || next === cert || next.fingerprint256 === cert.fingerprint256) break;
    cert = next;
  }
  return out;
}
