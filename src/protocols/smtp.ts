// SMTP: banner, EHLO, STARTTLS, handshake, EHLO again, QUIT (RFC 5321, RFC 3207). Never AUTH, never MAIL.
import { ProbeError } from '../probe/reasons.js';
import type { Session } from '../probe/session.js';
import type { SmtpDetails } from '../probe/result.js';
import { quote } from '../probe/quote.js';
import { sayGoodbye, type Driver } from './driver.js';
import { readSmtpReply } from './smtp-io.js';
import { firstWord, parseEhlo, type SmtpReply } from './smtp-reply.js';

async function command(s: Session, d: SmtpDetails, line: string, what: string): Promise<SmtpReply> {
  d.transcript.push(line);
  s.send(line);
  return readSmtpReply(s, 'reply', 'timeout_reply', what);
}

function replyText(r: SmtpReply): string {
  return quote(`${r.code} ${r.lines.join(' / ')}`, 200);
}

async function ehlo(s: Session, d: SmtpDetails): Promise<SmtpDetails['ehlo']> {
  const r = await command(s, d, `EHLO ${s.target.ehlo}`, 'EHLO reply');
  if (r.code !== 250) {
    throw new ProbeError(r.code >= 400 ? 'server_rejected' : 'protocol_error', `server answered EHLO with ${replyText(r)}`, s.phaseName);
  }
  return { ...parseEhlo(r.lines), lines: r.lines };
}

export const smtpDriver: Driver<SmtpDetails> = {
  newDetails: () => ({
    banner: [],
    bannerHost: null,
    ehlo: null,
    ehloTls: null,
    starttlsAdvertised: null,
    anonymousTlsAdvertised: null,
    transcript: [],
  }),

  async run(s, d) {
    const implicit = s.target.url.implicitTls;
    const banner = await s.phase('greeting', () => readSmtpReply(s, 'greeting', 'timeout_banner', 'banner'));
    d.banner = banner.lines;
    d.bannerHost = firstWord(banner.lines[0]);
    // 421 = busy/not active, 554 = "no SMTP service here" (RFC 5321 §3.1).
    if (banner.code >= 400) throw new ProbeError('server_rejected', `server refused the session: ${replyText(banner)}`, 'greeting');
    if (banner.code !== 220) throw new ProbeError('protocol_error', `unexpected banner ${replyText(banner)}`, 'greeting');

    if (implicit) {
      await s.phase('session', async () => {
        d.ehloTls = await ehlo(s, d);
        await sayGoodbye(s, 'QUIT', d.transcript);
      });
      return;
    }

    await s.phase('starttls', async () => {
      d.ehlo = await ehlo(s, d);
      d.starttlsAdvertised = 'STARTTLS' in d.ehlo!.capabilities;
      d.anonymousTlsAdvertised = 'X-ANONYMOUSTLS' in d.ehlo!.capabilities;
      if (!d.starttlsAdvertised) {
        const caps = Object.keys(d.ehlo!.capabilities).join(' ') || 'none';
        throw new ProbeError('starttls_not_advertised', `server did not advertise STARTTLS (EHLO capabilities: ${caps})`, 'starttls');
      }
      const r = await command(s, d, 'STARTTLS', 'STARTTLS reply');
      if (r.code !== 220) throw new ProbeError('starttls_refused', `server answered STARTTLS with ${replyText(r)}`, 'starttls');
    });
    await s.startTls();
    await s.phase('session', async () => {
      d.ehloTls = await ehlo(s, d);
      await sayGoodbye(s, 'QUIT', d.transcript);
    });
  },
};
