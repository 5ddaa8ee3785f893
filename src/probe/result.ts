// The captured result of one probe: plain, JSON-serialisable data. Checks and
// outputs read only this; nothing here holds a socket or a parsed object.
import type { Phase, Reason } from './reasons.js';
import type { RevocationInfo } from '../revocation/types.js';

export interface CertInfo {
  /** Position in the presented list, 0 = leaf. */
  index: number;
  subject: string;
  issuer: string;
  /** Upper-case hex, no separators. */
  serial: string;
  notBefore: string;
  notAfter: string;
  /** SHA-1 over DER, 40 upper-case hex chars (as Get-ExchangeCertificate shows it). */
  thumbprint: string;
  /** SHA-256 over DER, 64 upper-case hex chars. */
  sha256: string;
  subjectCN: string | null;
  san: { dns: string[]; ip: string[] };
  publicKey: { type: string; bits: number | null; curve: string | null };
  signatureAlgorithm: string;
  version: number;
  /** EKU OIDs, or null when the extension is absent (any purpose, RFC 5280). */
  extKeyUsage: string[] | null;
  /** Key usage names, or null when the extension is absent. */
  keyUsage: string[] | null;
  basicConstraints: { ca: boolean; pathLength: number | null } | null;
  crlDistributionPoints: string[];
  aia: { ocsp: string[]; caIssuers: string[] };
  selfSigned: boolean;
  /** Base64 DER, so checks can re-parse and verify signatures without another probe. */
  der: string;
}

export interface TlsInfo {
  protocol: string | null;
  cipher: { name: string; standardName: string | null; version: string | null };
  ephemeralKey: { type: string; name: string | null; size: number | null } | null;
  alpn: string | null;
  ocspStapled: boolean;
  /** The stapled OCSPResponse (RFC 6066 §8), base64 DER; present only when one was stapled. */
  ocspResponse?: string;
  /** Whether `chain` is the list exactly as the server sent it (see capture). */
  chainSource: 'presented' | 'reconstructed';
  /** Why the exact list could not be read, when it was asked for. */
  chainNote?: string;
}

export interface SmtpDetails {
  banner: string[];
  bannerHost: string | null;
  ehlo: { host: string | null; lines: string[]; capabilities: Record<string, string[]> } | null;
  ehloTls: { host: string | null; lines: string[]; capabilities: Record<string, string[]> } | null;
  starttlsAdvertised: boolean | null;
  anonymousTlsAdvertised: boolean | null;
  /** Commands the probe sent, in order: proof that no credentials or mail are sent. */
  transcript: string[];
}

export interface ImapDetails {
  greeting: string | null;
  capabilities: string[];
  capabilitiesTls: string[];
  starttlsAdvertised: boolean | null;
  transcript: string[];
}

export interface Pop3Details {
  greeting: string | null;
  capabilities: string[];
  capabilitiesTls: string[];
  starttlsAdvertised: boolean | null;
  transcript: string[];
}

export interface HttpDetails {
  path: string;
  status: number | null;
  timeMs: number | null;
  headers: Record<string, string>;
  bodyBytes: number;
  bodyTruncated: boolean;
  body: string;
}

export type Timings = Partial<Record<Phase | 'total', number>>;

export interface ProbeError {
  reason: Reason;
  message: string;
  phase: Phase | null;
}

export type CheckStatus = 'pass' | 'warn' | 'fail';
export interface CheckResult {
  id: string;
  status: CheckStatus;
  message: string;
  details: Record<string, unknown>;
}

export interface ProbeResult {
  name: string;
  url: string;
  /** The address actually connected to (IP literal), when DNS got that far. */
  address: string | null;
  servername: string | null;
  ok: boolean;
  error: ProbeError | null;
  startedAt: string;
  tls: TlsInfo | null;
  chain: CertInfo[];
  smtp?: SmtpDetails;
  imap?: ImapDetails;
  pop3?: Pop3Details;
  http?: HttpDetails;
  /** Milliseconds per phase. */
  timings: Timings;
  /** CRL and OCSP data gathered after the probe (src/revocation); absent when not gathered. */
  revocation?: RevocationInfo;
  checks: CheckResult[];
}

/**
 * What a capture returns (src/probe/capture-probe.ts), on a worker thread or here: `chain` is still
 * empty and the presented certificates are DER, each in its own exact-size buffer. withChain()
 * (src/probe/runner.ts) turns it into a ProbeResult.
 */
export interface CapturedProbe extends ProbeResult {
  chainDer: Uint8Array[];
}
