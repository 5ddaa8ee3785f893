// Every bound a probe observes, in one place, with the defaults a user gets.

export interface Timeouts {
  /** Overall deadline for the whole probe. */
  totalMs: number;
  connectMs: number;
  /** Banner/greeting. Above Exchange's 5 s tarpit so delayed replies still count. */
  greetingMs: number;
  /** Each command reply (EHLO, CAPABILITY, STARTTLS, ...). */
  replyMs: number;
  handshakeMs: number;
  /** HTTP response headers and the bounded body read. */
  httpMs: number;
}

export interface SizeLimits {
  /** One reply line. RFC 5321 allows 512 octets; real servers send more. */
  lineBytes: number;
  /** Lines of one multi-line reply. */
  replyLines: number;
  /** Everything read in clear before TLS starts. */
  plainBytes: number;
  /** Certificates in the presented chain. */
  chainCerts: number;
  /** HTTP body bytes read (and kept) from a health check. */
  httpBodyBytes: number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

export function defaultTimeouts(totalMs = DEFAULT_TIMEOUT_MS, connectMs?: number): Timeouts {
  // Per-phase bounds default to the overall deadline; the deadline clamps them anyway.
  return {
    totalMs,
    connectMs: connectMs ?? Math.min(5_000, totalMs),
    greetingMs: totalMs,
    replyMs: totalMs,
    handshakeMs: totalMs,
    httpMs: totalMs,
  };
}

export const DEFAULT_LIMITS: SizeLimits = {
  lineBytes: 4096,
  replyLines: 100,
  plainBytes: 64 * 1024,
  chainCerts: 20,
  httpBodyBytes: 64 * 1024,
};
