// Maps whatever a socket, DNS or TLS layer threw into a ProbeError with a stable reason.
import { ProbeError, type Phase } from './reasons.js';

interface NodeErr extends Error {
  code?: string;
  reason?: string;
}

/** TLS alert names as OpenSSL codes carry them, e.g. ERR_SSL_TLSV1_ALERT_UNKNOWN_CA → unknown_ca. */
function alertName(code: string): string | null {
  const m = /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13)_ALERT_(.+)$/.exec(code);
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
  const alert = alertName(code);
  if (alert) return new ProbeError('tls_alert', `server sent TLS alert ${alert}`, where, { cause: e });
  if (phase === 'handshake') {
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
