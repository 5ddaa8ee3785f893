// The closed set of failure reasons a probe can report. Stable strings: alerts,
// dashboards and tests key on them, so never rename one; add new ones instead.
export const REASONS = [
  'dns_failed',
  'connect_refused',
  'connect_timeout',
  'connect_failed',
  'connection_reset',
  'connection_closed',
  'deadline_exceeded',
  'timeout_banner',
  'timeout_reply',
  'timeout_handshake',
  'timeout_http',
  'line_too_long',
  'too_many_lines',
  'too_much_data',
  'server_rejected',
  'protocol_mismatch',
  'protocol_error',
  'starttls_not_advertised',
  'starttls_refused',
  'tls_handshake_failed',
  'tls_alert',
  'chain_too_long',
  'http_status',
  'http_error',
  'internal_error',
] as const;

export type Reason = (typeof REASONS)[number];

/** The phase a probe was in when it stopped; also the keys of the timings. */
export type Phase = 'dns' | 'connect' | 'greeting' | 'starttls' | 'handshake' | 'session' | 'http';

/**
 * A probe failure as data. Thrown inside drivers (so protocol code reads
 * straight-line), caught by the runner and turned into `ProbeResult.error`.
 */
export class ProbeError extends Error {
  constructor(
    readonly reason: Reason,
    message: string,
    readonly phase?: Phase,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProbeError';
  }
}

export function isProbeError(err: unknown): err is ProbeError {
  return err instanceof ProbeError;
}
