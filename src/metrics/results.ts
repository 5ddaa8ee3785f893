// Every per-target series, derived from the latest results: rendered when results arrive and
// concatenated at scrape time, so removed targets and replaced certificates leave nothing behind.
// The one place results become metrics.
import type { CertInfo, ProbeResult } from '../probe/result.js';
import type { StoredTarget } from '../daemon/store.js';
import type { CrlUrlResult } from '../revocation/types.js';
import { escapeLabelValue, familyHeader, formatValue, labelPairs, sampleLine } from './exposition.js';
import { BlockPacker, type PackedBody } from './packed-body.js';
import { ocspAnswers, ocspSaysRevoked } from '../checks/crl.js';

type Labels = Record<string, string>;
interface Row {
  labels?: Labels;
  value: number;
}
interface Spec {
  name: string;
  help: string;
  labels?: string[];
  rows(r: ProbeResult): Row[];
}

const PHASES = ['dns', 'connect', 'greeting', 'starttls', 'handshake', 'session', 'http', 'total'] as const;
const seconds = (iso: string): number => Date.parse(iso) / 1000;

export function certPosition(c: CertInfo): 'leaf' | 'intermediate' | 'root' {
  return c.index === 0 ? 'leaf' : c.selfSigned ? 'root' : 'intermediate';
}

function certLabels(c: CertInfo): Labels {
  return { position: certPosition(c), subject: c.subject, issuer: c.issuer, serial: c.serial, thumbprint: c.thumbprint };
}

const CERT_LABELS = ['position', 'subject', 'issuer', 'serial', 'thumbprint'];

export const RESULT_SPECS: Spec[] = [
  { name: 'tlsprobe_probe_success', help: '1 when the probe connected and no check failed.', rows: (r) => [{ value: r.ok ? 1 : 0 }] },
  {
    name: 'tlsprobe_probe_duration_seconds',
    help: 'Duration of each phase of the last probe, in seconds.',
    labels: ['phase'],
    rows: (r) => PHASES.filter((p) => r.timings[p] !== undefined).map((p) => ({ labels: { phase: p }, value: r.timings[p]! / 1000 })),
  },
  { name: 'tlsprobe_probe_last_run_timestamp_seconds', help: 'When the last probe started.', rows: (r) => [{ value: seconds(r.startedAt) }] },
  {
    name: 'tlsprobe_probe_error_info',
    help: 'The stable reason of a failed probe (present only while it fails).',
    labels: ['reason'],
    rows: (r) => (r.error ? [{ labels: { reason: r.error.reason }, value: 1 }] : []),
  },
  {
    name: 'tlsprobe_tls_info',
    help: 'Negotiated TLS version and cipher.',
    labels: ['version', 'cipher'],
    rows: (r) => (r.tls ? [{ labels: { version: r.tls.protocol ?? '', cipher: r.tls.cipher.standardName ?? r.tls.cipher.name }, value: 1 }] : []),
  },
  {
    name: 'tlsprobe_cert_not_after_timestamp_seconds',
    help: 'notAfter of every presented certificate.',
    labels: CERT_LABELS,
    rows: (r) => r.chain.map((c) => ({ labels: certLabels(c), value: seconds(c.notAfter) })),
  },
  {
    name: 'tlsprobe_cert_not_before_timestamp_seconds',
    help: 'notBefore of every presented certificate.',
    labels: CERT_LABELS,
    rows: (r) => r.chain.map((c) => ({ labels: certLabels(c), value: seconds(c.notBefore) })),
  },
  {
    name: 'tlsprobe_check_status',
    help: 'Result of each check: 1 pass (or warn), 0 fail.',
    labels: ['check'],
    rows: (r) => r.checks.map((c) => ({ labels: { check: c.id }, value: c.status === 'fail' ? 0 : 1 })),
  },
  {
    name: 'tlsprobe_check_warning',
    help: '1 while the check passes with a warning (present only then: a zero series per check would add a quarter of all series).',
    labels: ['check'],
    rows: (r) => r.checks.filter((c) => c.status === 'warn').map((c) => ({ labels: { check: c.id }, value: 1 })),
  },
  {
    name: 'tlsprobe_expected_cert_match',
    help: '1 when the endpoint presents the expected certificate (targets with expectations only).',
    rows: (r) => r.checks.filter((c) => c.id === 'expected').map((c) => ({ value: c.status === 'fail' ? 0 : 1 })),
  },
  {
    name: 'tlsprobe_starttls_advertised',
    help: '1 when STARTTLS/STLS was advertised (STARTTLS protocols only).',
    rows: (r) => {
      const v = (r.smtp ?? r.imap ?? r.pop3)?.starttlsAdvertised;
      return v === undefined || v === null ? [] : [{ value: v ? 1 : 0 }];
    },
  },
  {
    name: 'tlsprobe_cert_revoked',
    help: '1 when a presented certificate is listed on its CRL or a verified OCSP answer says revoked (targets whose revocation was checked).',
    rows: (r) => (r.revocation ? [{ value: isRevoked(r) ? 1 : 0 }] : []),
  },
  {
    name: 'tlsprobe_http_status_code',
    help: 'HTTP status of the health-check request (https targets with a path).',
    rows: (r) => (r.http?.status != null ? [{ value: r.http.status }] : []),
  },
];

/** The same evidence the crl check fails on: a CRL listing the certificate, or an OCSP answer that proves it. */
function isRevoked(r: ProbeResult): boolean {
  const rev = r.revocation!;
  return rev.crls.some((c) => c.revoked !== null) || ocspAnswers(rev).some((a) => ocspSaysRevoked(a.response));
}

/** What the per-URL CRL series need of one observation: kept instead of the whole result. */
export interface CrlObservation {
  url: string;
  at: string;
  success: boolean;
  nextUpdate: string | null;
  fetchMs: number | null;
}

/** Per CRL URL, not per target: the freshest observation of each URL across all targets. */
const CRL_SPECS: Array<{ name: string; help: string; value(c: CrlObservation): number | null }> = [
  { name: 'tlsprobe_crl_fetch_success', help: '1 when the CRL at this URL was fetched (or served from cache) and parsed.', value: (c) => (c.success ? 1 : 0) },
  { name: 'tlsprobe_crl_next_update_timestamp_seconds', help: 'nextUpdate of the CRL at this URL.', value: (c) => (c.nextUpdate ? seconds(c.nextUpdate) : null) },
  { name: 'tlsprobe_crl_fetch_duration_seconds', help: 'How long the download of the CRL at this URL took.', value: (c) => (c.fetchMs !== null ? c.fetchMs / 1000 : null) },
];

export function crlObservations(results: ProbeResult[]): CrlObservation[] {
  return results.flatMap((r) =>
    (r.revocation?.crls ?? []).map((c: CrlUrlResult) => ({ url: c.url, at: r.startedAt, success: c.reachable && c.entries !== null, nextUpdate: c.nextUpdate, fetchMs: c.fetchMs })),
  );
}

/** A target's rendered samples: UTF-8 bytes, family i at `bytes[ends[i-1] ?? 0 .. ends[i]]`. */
export interface RenderedSeries {
  bytes: Buffer;
  ends: Uint32Array;
}

/**
 * A target's samples, rendered once when its results arrive: a scrape then only copies bytes
 * (prom-client's per-sample bookkeeping was the bottleneck at 10,000 targets). Kept as one flat
 * buffer, not strings: strings built by `+=` stay ropes, and at 10,000 targets their nodes alone
 * took ~90 MB of heap, four times the text they hold. Written piece by piece into a scratch buffer:
 * building the lines as strings first was ~17 kB of garbage per probe, the largest share of the
 * main thread's allocation (and so of its garbage collection) in a 10,000-target cycle.
 */
export function renderTargetSeries(name: string, perAddress: boolean, results: ProbeResult[]): RenderedSeries {
  // The target's own labels are escaped once per result, not once per sample.
  const bases = results.map((r) => labelPairs({ target: name, address: perAddress ? (r.address ?? '') : '' }));
  const w = lines.reset();
  const ends = new Uint32Array(RESULT_SPECS.length);
  RESULT_SPECS.forEach((spec, i) => {
    results.forEach((r, j) => {
      for (const row of spec.rows(r)) {
        w.text(spec.name);
        w.byte(0x7b); // {
        w.text(bases[j]!);
        if (row.labels) {
          for (const k in row.labels) {
            w.byte(0x2c); // ,
            w.text(k);
            w.text('="');
            w.text(escapeLabelValue(row.labels[k]!));
            w.byte(0x22); // "
          }
        }
        w.text('} ');
        w.text(formatValue(row.value));
        w.byte(0x0a);
      }
    });
    ends[i] = w.at;
  });
  // Its own allocation, exactly this size: Buffer.from() would slice a shared 8 KiB pool slab, and
  // one surviving target would then keep a whole slab alive.
  return { bytes: w.copy(Buffer.allocUnsafeSlow(w.at)), ends };
}

/** Pieces up to this many UTF-16 units are copied in JS when they are ASCII. */
const SHORT = 64;

/** Appends UTF-8 to one reused buffer; rendering is synchronous, so one writer serves every target. */
class ByteWriter {
  private buf = Buffer.allocUnsafeSlow(64 * 1024);
  at = 0;

  reset(): this {
    this.at = 0;
    return this;
  }

  text(s: string): void {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8.
    if (this.at + s.length * 3 > this.buf.length) this.grow(s.length * 3);
    // Most pieces are short ASCII (names, `="`, values; ~300 per target): copied here in JS they
    // skip a call into C++ each, which cost more than the copy (render 37-39 → 23-30 µs per probe).
    if (s.length <= SHORT) {
      const buf = this.buf;
      let at = this.at;
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) {
          this.at += this.buf.write(s, this.at);
          return;
        }
        buf[at++] = c;
      }
      this.at = at;
      return;
    }
    this.at += this.buf.write(s, this.at);
  }

  byte(b: number): void {
    if (this.at + 1 > this.buf.length) this.grow(1);
    this.buf[this.at++] = b;
  }

  copy(into: Buffer): Buffer {
    this.buf.copy(into, 0, 0, this.at);
    return into;
  }

  private grow(need: number): void {
    const bigger = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.at + need));
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
  }
}

const lines = new ByteWriter();

/** The per-target and per-CRL families for `targets`, after `prefix` (the agent's own metrics), in exposition order. */
export function resultExposition(prefix: string, targets: StoredTarget[]): PackedBody {
  const headers = RESULT_SPECS.map((spec) => Buffer.from(familyHeader(spec.name, spec.help)));
  const head = Buffer.from(prefix);
  const tail = Buffer.from(crlFamilies(targets));
  let length = head.length + tail.length;
  for (const h of headers) length += h.length;
  for (const t of targets) length += t.series.bytes.length;
  return {
    length,
    *blocks() {
      const p = new BlockPacker();
      p.bytes(head);
      for (let i = 0; i < RESULT_SPECS.length; i++) {
        p.bytes(headers[i]!);
        for (const { series } of targets) {
          const start = i === 0 ? 0 : series.ends[i - 1]!;
          const end = series.ends[i]!;
          // Most targets have nothing in some families (no error, no warning): skip those pieces.
          if (end === start) continue;
          p.bytes(series.bytes, start, end);
          if (p.ready) yield* p.take();
        }
      }
      p.bytes(tail);
      yield* p.rest();
    },
  };
}

/** The per-URL CRL families: the freshest observation of each URL across all targets. */
function crlFamilies(targets: StoredTarget[]): string {
  const latest = new Map<string, CrlObservation>();
  for (const t of targets) for (const c of t.crls) if ((latest.get(c.url)?.at ?? '') < c.at) latest.set(c.url, c);
  let out = '';
  for (const spec of CRL_SPECS) {
    out += familyHeader(spec.name, spec.help);
    for (const [url, c] of latest) {
      const v = spec.value(c);
      if (v !== null) out += sampleLine(spec.name, { url }, v);
    }
  }
  return out;
}
