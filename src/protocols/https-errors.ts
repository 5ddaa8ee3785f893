// Turns what undici throws during a health-check request into a stable reason.
import { ProbeError } from '../probe/reasons.js';
import { toProbeError } from '../probe/errors.js';
import { fmtMs } from '../probe/deadline.js';
import { quote } from '../probe/quote.js';

interface CodedError extends Error {
  code?: string;
  cause?: unknown;
}

/** The socket-level error under an undici error (undici wraps some, passes others through). */
function socketCode(err: CodedError): string | null {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = (e as CodedError).cause, depth++) {
    const code = (e as CodedError).code;
    if (code === 'ECONNRESET' || code === 'EPIPE') return code;
  }
  return null;
}

/** Headers did not arrive, or the request failed before a status. */
export function requestFailure(err: unknown, aborted: boolean, boundMs: number): ProbeError {
  const e = err as CodedError;
  // Our own abort timer and undici's headersTimeout are the same bound; whichever fires first means the same.
  if (aborted || e.code === 'UND_ERR_HEADERS_TIMEOUT') {
    return new ProbeError('timeout_http', `no HTTP response headers within ${fmtMs(boundMs)}`, 'http', { cause: err });
  }
  if (socketCode(e)) return toProbeError(Object.assign(new Error(e.message), { code: socketCode(e) }), 'http');
  // undici's SocketError ("other side closed"): a FIN before the response, as elsewhere connection_closed.
  if (e.code === 'UND_ERR_SOCKET') return new ProbeError('connection_closed', 'server closed the connection before answering the HTTP request', 'http', { cause: err });
  return new ProbeError('http_error', `HTTP request failed: ${quote(e.message ?? String(err), 200).slice(1, -1)}`, 'http', { cause: err });
}

/**
 * A failure while reading the body, or null when the body read merely stopped at its time bound:
 * then the status already says what the probe came for. A reset or a premature close does not.
 */
export function bodyFailure(err: unknown, aborted: boolean, status: number, bytes: number): ProbeError | null {
  const e = err as CodedError;
  if (aborted || e.code === 'UND_ERR_BODY_TIMEOUT' || e.name === 'AbortError') return null;
  const after = `after status ${status} and ${bytes} body byte(s)`;
  if (socketCode(e)) return new ProbeError('connection_reset', `connection reset by the server during http, ${after}`, 'http', { cause: err });
  if (e.code === 'UND_ERR_SOCKET' || e.code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') {
    return new ProbeError('connection_closed', `server closed the connection during the HTTP body, ${after}`, 'http', { cause: err });
  }
  return new ProbeError('http_error', `HTTP body failed ${after}: ${quote(e.message ?? String(err), 200).slice(1, -1)}`, 'http', { cause: err });
}
