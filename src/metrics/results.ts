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
/** Takes one sample of a family for one result: its value and its labels beyond target and address. */
export type Emit = (value: number, labels?: Labels) => void;
interface Spec {
  name: string;
  help: string;
  labels?: string[];
  /** Emits the family's samples for `r` (a callback, not a list: no arrays per family and probe). */
  rows(r: ProbeResult, emit: Emit): void;
}

const PHASES = ['dns', 'connect', 'greeting', 'starttls', 'handshake', 'session', 'http', 'total'] as const;
const seconds = (iso: string): number => Date.parse(iso) / 1000;

export function certPosition(c: CertInfo): 'leaf' | 'intermediate' | 'root' {
  return c.index === 0 ? 'leaf' : c.selfSigned ? 'root' : 'intermediate';
}

// Label sets that recur probe after probe are made once and rendered once (see `interned`): the
// phases, the check ids, a negotiated version and cipher, and each shared certificate's five labels.
const renderedLabels = new WeakMap<Labels, Buffer>();

/** Labels whose text (`,k="v"...`) is rendered now, once, and copied into every sample that uses them. */
function interned(labels: Labels): Labels {
  renderedLabels.set(labels, Buffer.from(`,${labelPairs(labels)}`));
  return labels;
}

function internedBy<K>(cache: Map<K, Labels>, key: K, make: () => Labels): Labels {
  let labels = cache.get(key);
  if (!labels) {
    // Bounded: label values come from servers (ciphers) and from the check list.
    if (cache.size >= 256) cache.clear();
    cache.set(key, (labels = interned(make())));
  }
  return labels;
}

const PHASE_LABELS = Object.fromEntries(PHASES.map((p) => [p, interned({ phase: p })])) as Record<(typeof PHASES)[number], Labels>;
const checkLabels = new Map<string, Labels>();
const checkLabel = (id: string): Labels => internedBy(checkLabels, id, () => ({ check: id }));
const tlsLabels = new Map<string, Map<string, Labels>>();
function tlsLabel(version: string, cipher: string): Labels {
  let byCipher = tlsLabels.get(version);
  if (!byCipher) tlsLabels.set(version, (byCipher = new Map()));
  return internedBy(byCipher, cipher, () => ({ version, cipher }));
}

const certLabelMemo = new WeakMap<CertInfo, Labels>();
function certLabels(c: CertInfo): Labels {
  // Only a frozen CertInfo (shared between probes, see chainInfos) cannot change under its memo.
  if (!Object.isFrozen(c)) return makeCertLabels(c);
  let labels = certLabelMemo.get(c);
  if (!labels) certLabelMemo.set(c, (labels = interned(makeCertLabels(c))));
  return labels;
}

function makeCertLabels(c: CertInfo): Labels {
  return { position: certPosition(c), subject: c.subject, issuer: c.issuer, serial: c.serial, thumbprint: c.thumbprint };
}

const CERT_LABELS = ['position', 'subject', 'issuer', 'serial', 'thumbprint'];

export const RESULT_SPECS: Spec[] = [
  { name: 'tlsprobe_probe_success', help: '1 when the probe connected and no check failed.', rows: (r, emit) => emit(r.ok ? 1 : 0) },
  {
    name: 'tlsprobe_probe_duration_seconds',
    help: 'Duration of each phase of the last probe, in seconds.',
    labels: ['phase'],
    rows: (r, emit) => {
      for (const p of PHASES) if (r.timings[p] !== undefined) emit(r.timings[p] / 1000, PHASE_LABELS[p]);
    },
  },
  { name: 'tlsprobe_probe_last_run_timestamp_seconds', help: 'When the last probe started.', rows: (r, emit) => emit(seconds(r.startedAt)) },
  {
    name: 'tlsprobe_probe_error_info',
    help: 'The stable reason of a failed probe (present only while it fails).',
    labels: ['reason'],
    rows: (r, emit) => {
      if (r.error) emit(1, { reason: r.error.reason });
    },
  },
  {
    name: 'tlsprobe_tls_info',
    help: 'Negotiated TLS version and cipher.',
    labels: ['version', 'cipher'],
    rows: (r, emit) => {
      if (r.tls) emit(1, tlsLabel(r.tls.protocol ?? '', r.tls.cipher.standardName ?? r.tls.cipher.name));
    },
  },
  {
    name: 'tlsprobe_cert_not_after_timestamp_seconds',
    help: 'notAfter of every presented certificate.',
    labels: CERT_LABELS,
    rows: (r, emit) => {
      for (const c of r.chain) emit(seconds(c.notAfter), certLabels(c));
    },
  },
  {
    name: 'tlsprobe_cert_not_before_timestamp_seconds',
    help: 'notBefore of every presented certificate.',
    labels: CERT_LABELS,
    rows: (r, emit) => {
      for (const c of r.chain) emit(seconds(c.notBefore), certLabels(c));
    },
  },
  {
    name: 'tlsprobe_check_status',
    help: 'Result of each check: 1 pass (or warn), 0 fail.',
    labels: ['check'],
    rows: (r, emit) => {
      for (const c of r.checks) emit(c.status === 'fail' ? 0 : 1, checkLabel(c.id));
    },
  },
  {
    name: 'tlsprobe_check_warning',
    help: '1 while the check passes with a warning (present only then: a zero series per check would add a quarter of all series).',
    labels: ['check'],
    rows: (r, emit) => {
      for (const c of r.checks) if (c.status === 'warn') emit(1, checkLabel(c.id));
    },
  },
  {
    name: 'tlsprobe_expected_cert_match',
    help: '1 when the endpoint presents the expected certificate (targets with expectations only).',
    rows: (r, emit) => {
      for (const c of r.checks) if (c.id === 'expected') emit(c.status === 'fail' ? 0 : 1);
    },
  },
  {
    name: 'tlsprobe_starttls_advertised',
    help: '1 when STARTTLS/STLS was advertised (STARTTLS protocols only).',
    rows: (r, emit) => {
      const v = (r.smtp ?? r.imap ?? r.pop3)?.starttlsAdvertised;
      if (v !== undefined && v !== null) emit(v ? 1 : 0);
    },
  },
  {
    name: 'tlsprobe_cert_revoked',
    help: '1 when a presented certificate is listed on its CRL or a verified OCSP answer says revoked (targets whose revocation was checked).',
    rows: (r, emit) => {
      if (r.revocation) emit(isRevoked(r) ? 1 : 0);
    },
  },
  {
    name: 'tlsprobe_http_status_code',
    help: 'HTTP status of the health-check request (https targets with a path).',
    rows: (r, emit) => {
      if (r.http?.status != null) emit(r.http.status);
    },
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
  lines.reset();
  const ends = new Uint32Array(RESULT_SPECS.length);
  for (let i = 0; i < RESULT_SPECS.length; i++) {
    const spec = RESULT_SPECS[i]!;
    sample.name = spec.name;
    for (let j = 0; j < results.length; j++) {
      sample.base = bases[j]!;
      spec.rows(results[j]!, writeSample);
    }
    ends[i] = lines.at;
  }
  // Its own allocation, exactly this size: Buffer.from() would slice a shared 8 KiB pool slab, and
  // one surviving target would then keep a whole slab alive.
  return { bytes: lines.copy(Buffer.allocUnsafeSlow(lines.at)), ends };
}

/** The family and target whose samples `writeSample` writes (rendering is synchronous). */
const sample = { name: '', base: '' };

function writeSample(value: number, labels?: Labels): void {
  const w = lines;
  w.text(sample.name);
  w.byte(0x7b); // {
  w.text(sample.base);
  if (labels) {
    const text = renderedLabels.get(labels);
    if (text) w.bytes(text);
    else {
      for (const k in labels) {
        w.byte(0x2c); // ,
        w.text(k);
        w.text('="');
        w.text(escapeLabelValue(labels[k]!));
        w.byte(0x22); // "
      }
    }
  }
  w.text('} ');
  w.text(formatValue(value));
  w.byte(0x0a);
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

  bytes(b: Buffer): void {
    if (this.at + b.length > this.buf.length) this.grow(b.length);
    this.buf.set(b, this.at);
    this.at += b.length;
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
