// One short, secret-free line for a network or LDAP error: the code when there is one, never a stack or a request.

const CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host name does not resolve',
  EAI_AGAIN: 'DNS lookup failed (temporary)',
  UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers in time',
  UND_ERR_BODY_TIMEOUT: 'response body stalled',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_INVALID_ARG: 'invalid URL',
  CERT_HAS_EXPIRED: 'TLS: server certificate expired',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS: server certificate not trusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS: self-signed certificate in the server chain',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS: self-signed server certificate',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS: server certificate does not match the host',
};

export function describeNetError(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } } | null;
  const code = typeof e?.code === 'string' ? e.code : typeof e?.cause?.code === 'string' ? e.cause.code : null;
  if (code && CODES[code]) return `${CODES[code]} (${code})`;
  const message = typeof e?.message === 'string' && e.message ? e.message : typeof e?.cause?.message === 'string' ? e.cause.message : String(err);
  // ldapts puts multi-line context in messages; one line is enough for a result.
  const line = message.split('\n')[0]!.slice(0, 200);
  return code ? `${line} (${code})` : line;
}
