// Record-layer walk over the recorded server→client bytes up to the Certificate message (TLS 1.0–1.3).
import { Reader } from './reader.js';
import { HandshakeBuffer, hsName, parseCertificateMessage, parseServerHello, type HandshakeMessage } from './messages.js';
import { RecordDecryptor, TLS13_SUITES } from './tls13.js';
import { fail, type KeylogSecrets, type PresentedResult } from './types.js';

/** RFC 5246 §6.2.3: TLSCiphertext.length ≤ 2^14 + 2048 (TLS 1.3 §5.2 is stricter, 2^14 + 256). */
const MAX_RECORD = 16384 + 2048;

const CT_CHANGE_CIPHER_SPEC = 20;
const CT_ALERT = 21;
const CT_HANDSHAKE = 22;
const CT_APPLICATION_DATA = 23;

type Step = PresentedResult | 'more';

/** Where the walk is: before a (final) ServerHello, in a clear TLS ≤1.2 flight, or in the encrypted TLS 1.3 flight. */
interface State {
  phase: 'hello' | 'tls12' | 'tls13';
  sawRetry: boolean;
  decryptor: RecordDecryptor | null;
  keylog: KeylogSecrets | undefined;
}

/**
 * Finds the server's Certificate message in `bytes` (everything the server sent, from its first
 * record) and returns the certificate_list as sent. TLS 1.3 needs the SERVER_HANDSHAKE_TRAFFIC_SECRET
 * of the same connection. Hostile or truncated input yields `certificates: null` with a reason;
 * this function does not throw.
 */
export function parseServerFlight(bytes: Buffer, keylog?: KeylogSecrets): PresentedResult {
  const r = new Reader(bytes);
  const hs = new HandshakeBuffer();
  const st: State = { phase: 'hello', sawRetry: false, decryptor: null, keylog };
  for (;;) {
    if (r.remaining === 0) {
      const where = st.phase === 'hello' ? 'before a ServerHello' : 'before the Certificate message';
      return fail(`server data (${bytes.length} bytes) ended ${where}${hs.pending ? ` (${hs.pending} bytes of a partial message)` : ''}`);
    }
    const header = r.bytes(5);
    if (!header) return fail(`truncated record header (${r.remaining} bytes left)`);
    const type = header[0]!;
    const length = header.readUInt16BE(3);
    if (length > MAX_RECORD) return fail(`record claims ${length} bytes, over the RFC 5246 §6.2.3 limit of ${MAX_RECORD}`);
    const payload = r.bytes(length);
    if (!payload) return fail(`truncated record: header says ${length} bytes, ${r.remaining} present`);
    const step = onRecord(st, hs, type, header, payload);
    if (step !== 'more') return step;
  }
}

function onRecord(st: State, hs: HandshakeBuffer, type: number, header: Buffer, payload: Buffer): Step {
  switch (type) {
    case CT_CHANGE_CIPHER_SPEC:
      // TLS 1.3 servers may send a dummy one for middlebox compatibility (RFC 8446 §D.4). Before
      // TLS 1.3, a CCS ahead of any Certificate means an abbreviated handshake (RFC 5246 §7.3).
      if (st.phase === 'tls12') return fail('ChangeCipherSpec before any Certificate: abbreviated handshake (session resumption, RFC 5246 §7.3)');
      return 'more';
    case CT_ALERT:
      return fail(`server sent alert ${describeAlert(payload)} before the Certificate message`);
    case CT_HANDSHAKE:
      if (st.phase === 'tls13') return fail('clear handshake record after the TLS 1.3 ServerHello (RFC 8446 §5.1)');
      hs.push(payload);
      return drain(st, hs);
    case CT_APPLICATION_DATA: {
      if (!st.decryptor) return fail('application data record before the Certificate message');
      const inner = st.decryptor.decrypt(header, payload);
      if ('error' in inner) return fail(inner.error);
      if (inner.type === CT_ALERT) return fail(`server sent encrypted alert ${describeAlert(inner.content)} before the Certificate message`);
      if (inner.type !== CT_HANDSHAKE) return fail(`encrypted record of inner type ${inner.type} before the Certificate message`);
      hs.push(inner.content);
      return drain(st, hs);
    }
    default:
      return fail(`unexpected record content type ${type}`);
  }
}

function drain(st: State, hs: HandshakeBuffer): Step {
  for (;;) {
    const msg = hs.next();
    if (msg === null) return 'more';
    if (typeof msg === 'string') return fail(msg);
    const step = onMessage(st, hs, msg);
    if (step !== 'more') return step;
  }
}

function onMessage(st: State, hs: HandshakeBuffer, msg: HandshakeMessage): Step {
  if (st.phase === 'hello') return onServerHello(st, hs, msg);
  if (msg.type === 11) return parseCertificateMessage(msg.body, st.phase === 'tls13');
  if (st.phase === 'tls13') {
    // RFC 8446 §4.3: EncryptedExtensions, then CertificateRequest may precede Certificate.
    if (msg.type === 8 || msg.type === 13) return 'more';
    if (msg.type === 25) return fail('server sent a CompressedCertificate (RFC 8879), which this parser does not decompress');
    if (msg.type === 15 || msg.type === 20) return fail(`${hsName(msg.type)} without a Certificate message: PSK/resumed handshake (RFC 8446 §2.2)`);
    return fail(`unexpected ${hsName(msg.type)} in the TLS 1.3 server flight`);
  }
  // RFC 5246 §7.3: Certificate comes right after ServerHello unless the suite is anonymous/PSK.
  if (msg.type === 12 || msg.type === 13 || msg.type === 14) {
    return fail(`${hsName(msg.type)} without a Certificate message (anonymous or PSK cipher suite, RFC 5246 §7.4.2)`);
  }
  if (msg.type === 4) return fail('NewSessionTicket before any Certificate: abbreviated handshake (RFC 5077 §3.1)');
  return fail(`unexpected ${hsName(msg.type)} before the Certificate message`);
}

function onServerHello(st: State, hs: HandshakeBuffer, msg: HandshakeMessage): Step {
  if (msg.type === 0) return 'more'; // HelloRequest may be ignored (RFC 5246 §7.4.1.1)
  if (msg.type !== 2) return fail(`expected ServerHello, got ${hsName(msg.type)}`);
  const sh = parseServerHello(msg.body);
  if (typeof sh === 'string') return fail(sh);
  if (sh.helloRetry) {
    // RFC 8446 §4.1.4: the client retries and a real ServerHello follows in clear. The HRR does not
    // change the record protection, and the secret comes from the key log, so we just keep reading.
    if (st.sawRetry) return fail('second HelloRetryRequest (RFC 8446 §4.1.4 forbids it)');
    st.sawRetry = true;
    return 'more';
  }
  if (sh.version !== 0x0304) {
    st.phase = 'tls12';
    return 'more';
  }
  // RFC 8446 §5.1: handshake messages must not span a key change.
  if (hs.pending) return fail('TLS 1.3 ServerHello shares a record with later handshake bytes (RFC 8446 §5.1)');
  const suite = TLS13_SUITES.get(sh.cipherSuite);
  if (!suite) return fail(`TLS 1.3 cipher suite 0x${sh.cipherSuite.toString(16).padStart(4, '0')} is not supported by the decryptor`);
  const secret = st.keylog?.serverHandshakeTrafficSecret;
  if (!secret) return fail('TLS 1.3 encrypts the Certificate message and no SERVER_HANDSHAKE_TRAFFIC_SECRET was captured from the key log');
  if (secret.length !== suite.hashLen) {
    return fail(`key log secret is ${secret.length} bytes; ${suite.name} needs ${suite.hashLen} (RFC 8446 §7.1)`);
  }
  st.decryptor = new RecordDecryptor(suite, secret);
  st.phase = 'tls13';
  return 'more';
}

const ALERTS: Readonly<Record<number, string>> = {
  0: 'close_notify', 10: 'unexpected_message', 20: 'bad_record_mac', 40: 'handshake_failure', 42: 'bad_certificate',
  47: 'illegal_parameter', 70: 'protocol_version', 71: 'insufficient_security', 80: 'internal_error',
  109: 'missing_extension', 112: 'unrecognized_name', 120: 'no_application_protocol',
};

/** RFC 8446 §6: level then description. */
function describeAlert(body: Buffer): string {
  if (body.length < 2) return `(malformed, ${body.length} bytes)`;
  const desc = body[1]!;
  return `${ALERTS[desc] ?? desc} (level ${body[0]})`;
}
