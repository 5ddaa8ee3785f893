// POP3: greeting, CAPA, STLS, handshake, CAPA again, QUIT (RFC 1939, RFC 2595). Never USER/PASS.
import { ProbeError } from '../probe/reasons.js';
import type { Session } from '../probe/session.js';
import type { Pop3Details } from '../probe/result.js';
import { quote } from '../probe/quote.js';
import { sayGoodbye, type Driver } from './driver.js';
import { capaLine, classifyPop3Greeting, parseStatus } from './pop3-parse.js';

async function status(s: Session, d: Pop3Details, cmd: string): Promise<{ ok: boolean; text: string }> {
  d.transcript.push(cmd);
  s.send(cmd);
  const line = await s.readLine('reply', 'timeout_reply', `${cmd} response`);
  const st = parseStatus(line);
  if (!st) throw new ProbeError('protocol_error', `malformed POP3 response to ${cmd}: ${quote(line)}`, s.phaseName);
  return st;
}

async function capa(s: Session, d: Pop3Details): Promise<string[]> {
  const st = await status(s, d, 'CAPA');
  if (!st.ok) return []; // CAPA is optional (RFC 2449); no list means no STLS either.
  const wait = s.wait('reply');
  const caps: string[] = [];
  for (;;) {
    const line = capaLine(await s.readLine('reply', 'timeout_reply', 'CAPA list', wait));
    if (line.end) return caps;
    caps.push(line.capability);
    if (caps.length >= s.target.limits.replyLines) {
      throw new ProbeError('too_many_lines', `POP3 CAPA list went on past ${s.target.limits.replyLines} lines`, s.phaseName);
    }
  }
}

export const pop3Driver: Driver<Pop3Details> = {
  newDetails: () => ({ greeting: null, capabilities: [], capabilitiesTls: [], starttlsAdvertised: null, transcript: [] }),

  async run(s, d) {
    const implicit = s.target.url.implicitTls;
    const greeting = await s.phase('greeting', () => s.readLine('greeting', 'timeout_banner', 'greeting'));
    d.greeting = greeting;
    const verdict = classifyPop3Greeting(greeting);
    if (verdict !== 'ok') throw verdict;

    if (implicit) {
      await s.phase('session', async () => {
        d.capabilitiesTls = await capa(s, d);
        await sayGoodbye(s, 'QUIT', d.transcript);
      });
      return;
    }
    await s.phase('starttls', async () => {
      d.capabilities = await capa(s, d);
      d.starttlsAdvertised = d.capabilities.some((c) => /^STLS\b/i.test(c));
      if (!d.starttlsAdvertised) {
        throw new ProbeError('starttls_not_advertised', `server did not advertise STLS (CAPA: ${d.capabilities.join(', ') || 'none'})`, 'starttls');
      }
      const st = await status(s, d, 'STLS');
      if (!st.ok) throw new ProbeError('starttls_refused', `server answered STLS with ${quote(`-ERR ${st.text}`)}`, 'starttls');
    });
    await s.startTls();
    await s.phase('session', async () => {
      d.capabilitiesTls = await capa(s, d);
      await sayGoodbye(s, 'QUIT', d.transcript);
    });
  },
};
