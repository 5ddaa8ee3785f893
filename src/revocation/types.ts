// Plain, JSON-serialisable revocation data a probe result carries (`result.revocation`); the crl check judges it.

/** Why no CRL/OCSP answer was obtained from a URL. Stable: alerts key on these. */
export type FetchFailure =
  | 'unreachable' // network or LDAP error, timeout
  | 'not_found' // HTTP 404/410, no such LDAP entry, or the entry has no CRL value
  | 'http_error' // another HTTP status, too many redirects
  | 'too_large' // over `crl.max_bytes`
  | 'not_configured' // host-less ldap:/// URL and no `ldap.url`
  | 'unsupported'; // a scheme we do not fetch (ftp:, file:), a malformed URL

export type FetchOutcome = { ok: true; body: Buffer; ms: number } | { ok: false; status: FetchFailure; error: string; ms: number };

export type CrlStatus =
  | 'ok'
  | 'expiring' // less than `crl.stale_margin` left before nextUpdate
  | 'stale' // nextUpdate has passed
  | 'not_yet_valid' // thisUpdate is in the future
  | 'bad_signature' // not signed by the certificate's issuer key
  | 'wrong_issuer' // the CRL's issuer name is not the certificate's issuer
  | 'invalid' // not a parseable CRL, or an unrecognised critical extension
  | FetchFailure;

/** Statuses meaning "peers get no CRL from this URL" (judged by `crl.required`). */
export const UNAVAILABLE: ReadonlySet<CrlStatus> = new Set<CrlStatus>(['unreachable', 'not_found', 'http_error', 'too_large', 'not_configured', 'unsupported']);

export interface RevokedInfo {
  serial: string;
  revokedAt: string;
  /** RFC 5280 §5.3.1 reason name, null when the entry has none. */
  reason: string | null;
}

export interface CrlUrlResult {
  url: string;
  /** The certificate (index in the presented chain) whose CDP names this URL. */
  certIndex: number;
  certSubject: string;
  transport: 'http' | 'ldap' | 'other';
  /** The server answered (false for unreachable, not_configured, unsupported). */
  reachable: boolean;
  status: CrlStatus;
  error: string | null;
  bytes: number | null;
  fetchMs: number | null;
  /** Served from the process-wide cache (bytes/fetchMs are those of the original download). */
  fromCache: boolean;
  encoding: 'der' | 'pem' | null;
  thisUpdate: string | null;
  nextUpdate: string | null;
  crlNumber: string | null;
  /** The URL served a delta CRL (Delta CRL Indicator, RFC 5280 §5.2.4). */
  delta: boolean;
  entries: number | null;
  /** This certificate's entry, when the CRL lists it. */
  revoked: RevokedInfo | null;
}

export interface CertRevocation {
  index: number;
  subject: string;
  serial: string;
  /** Subject of the certificate whose key verifies this one's CRLs; null when the issuer is unknown. */
  issuer: string | null;
  crlUrls: string[];
  /** Freshest CRL extension (2.5.29.46, RFC 5280 §4.2.1.15): delta CRLs, listed, not fetched. */
  deltaCrlUrls: string[];
  ocspUrls: string[];
}

export type OcspCertStatus = 'good' | 'revoked' | 'unknown';

export interface OcspResponseInfo {
  /** RFC 6960 §4.2.1: successful, malformedRequest, internalError, tryLater, sigRequired, unauthorized. */
  responseStatus: string;
  /** For the leaf's serial; null when the response has no answer for it. */
  certStatus: OcspCertStatus | null;
  producedAt: string | null;
  thisUpdate: string | null;
  nextUpdate: string | null;
  revokedAt: string | null;
  reason: string | null;
  signature: 'valid' | 'invalid' | 'unverified';
  error: string | null;
}

export interface OcspQueryResult {
  url: string;
  reachable: boolean;
  status: 'ok' | 'invalid' | FetchFailure;
  error: string | null;
  fetchMs: number | null;
  response: OcspResponseInfo | null;
}

export interface OcspInfo {
  stapled: boolean;
  staple: OcspResponseInfo | null;
  /** One per AIA OCSP URL of the leaf when `ocsp.query` is on; empty otherwise. */
  queried: OcspQueryResult[];
}

export interface RevocationInfo {
  checkedAt: string;
  /** false when `crl.check` is off: no CRLs were fetched. */
  crlChecked: boolean;
  /** Path certificates below the trust anchor, leaf first (self-issued ones have nothing to revoke). */
  certificates: CertRevocation[];
  crls: CrlUrlResult[];
  ocsp: OcspInfo;
  /** Set only when gathering hit a bug; gathering never throws. */
  error: string | null;
}

/** RFC 5280 §5.3.1 CRLReason (also RFC 6960 revocationReason). 7 is unused. */
export const REASONS: Record<number, string> = {
  0: 'unspecified',
  1: 'keyCompromise',
  2: 'cACompromise',
  3: 'affiliationChanged',
  4: 'superseded',
  5: 'cessationOfOperation',
  6: 'certificateHold',
  8: 'removeFromCRL',
  9: 'privilegeWithdrawn',
  10: 'aACompromise',
};

export const reasonName = (code: number | null): string | null => (code === null ? null : (REASONS[code] ?? `reason ${code}`));
