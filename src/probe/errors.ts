// Maps whatever a socket, DNS or TLS layer threw into a ProbeError with a stable reason.
import { ProbeError, type Phase } from './reasons.js';

interface NodeErr extends Error {
  code?: string;
  reason?: string;
}

/** TLS alert descriptions by number, as the IANA registry names them (RFC 8446 §6, RFC 5246 §7.2). */
const ALERTS: Readonly<Record<number, string>> = {
  0: 'close_notify', 10: 'unexpected_message', 20: 'bad_record_mac', 21: 'decryption_failed', 22: 'record_overflow',
  30: 'decompression_failure', 40: 'handshake_failure', 41: 'no_certificate', 42: 'bad_certificate',
  43: 'unsupported_certificate', 44: 'certificate_revoked', 45: 'certificate_expired', 46: 'certificate_unknown',
  47: 'illegal_parameter', 48: 'unknown_ca', 49: 'access_denied', 50: 'decode_error', 51: 'decrypt_error',
  60: 'export_restriction', 70: 'protocol_version', 71: 'insufficient_security', 80: 'internal_error',
  86: 'inappropriate_fallback', 90: 'user_canceled', 100: 'no_renegotiation', 109: 'missing_extension',
  110: 'unsupported_extension', 111: 'certificate_unobtainable', 112: 'unrecognized_name',
  113: 'bad_certificate_status_response', 114: 'bad_certificate_hash_value', 115: 'unknown_psk_identity',
  116: 'certificate_required', 120: 'no_application_protocol',
};

/**
 * The alert a server sent, or null. OpenSSL appends "SSL alert number N" to the message; its codes
 * are not uniform (ERR_SSL_TLSV1_ALERT_UNKNOWN_CA but ERR_SSL_TLSV1_UNRECOGNIZED_NAME), so the
 * number is the reliable part and the code only a fallback.
 */
function alertName(e: NodeErr): string | null {
  const n = /SSL alert number (\d+)/.exec(e.message);
  if (n) return ALERTS[Number(n[1])] ?? `alert ${n[1]}`;
  const m = /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13)_ALERT_(.+)$/.exec(e.code ?? '');
  return m ? m[1]!.toLowerCase() : null;
}

export function toProbeError(err: unknown, phase: Phase | null): ProbeError {
  if (err instanceof ProbeError) return err;
  const e = (err instanceof Error ? err : new Error(String(err))) as NodeErr;
  const code = e.code ?? '';
  const where = phase ?? undefined;
  if (phase === 'dns' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ENODATA') {
    return new ProbeError('dns_failed', `DNS lookup failed: ${e.message}`, 'dns', { cause: e });
  }
  // A reset is a reset whenever it comes (a firewall or a tarpit cutting us off).
  if (code === 'ECONNRESET' && !(phase === 'handshake' && /disconnected before secure TLS/.test(e.message))) {
    return new ProbeError('connection_reset', `connection reset by the server${phase ? ` during ${phase}` : ''}`, where, { cause: e });
  }
  if (code === 'ECONNREFUSED') return new ProbeError('connect_refused', `connection refused: ${e.message}`, 'connect', { cause: e });
  if (phase === 'connect' && code === 'ETIMEDOUT') {
    return new ProbeError('connect_timeout', `connect timed out: ${e.message}`, 'connect', { cause: e });
  }
  if (phase === 'connect') return new ProbeError('connect_failed', `connect failed: ${e.message}`, 'connect', { cause: e });
  const alert = alertName(e);
  if (alert) return new ProbeError('tls_alert', `server sent TLS alert ${alert}`, where, { cause: e });
  if (phase === 'handshake') {
    // OpenSSL caps a handshake message at 100 KiB (SSL_MAX_CERT_LIST_DEFAULT); in a server's flight
    // only the Certificate message gets near that, so this is a chain over the byte limit.
    if (code === 'ERR_SSL_EXCESSIVE_MESSAGE_SIZE') {
      return new ProbeError('chain_too_long', 'server sent a handshake message over the 100 KiB limit (excessive message size): its certificate chain is too large to capture', where, { cause: e });
    }
    if (code === 'ECONNRESET' && /disconnected before secure TLS/.test(e.message)) {
      return new ProbeError('tls_handshake_failed', 'server closed the connection during the TLS handshake', where, { cause: e });
    }
    if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG' || code === 'ERR_SSL_RECORD_LAYER_FAILURE') {
      return new ProbeError('tls_handshake_failed', `server did not answer with a TLS ServerHello (${e.reason ?? e.message}); it probably sent plaintext`, where, { cause: e });
    }
  }
  if (code === 'EPIPE') {
    return new ProbeError('connection_reset', `connection reset by the server${phase ? ` during ${phase}` : ''}`, where, { cause: e });
  }
  if (code.startsWith('ERR_SSL_') || phase === 'handshake') {
    return new ProbeError('tls_handshake_failed', `TLS handshake failed: ${e.reason ?? e.message}`, where, { cause: e });
  }
  return new ProbeError('internal_error', `${e.name}: ${e.message}`, where, { cause: e });
}
