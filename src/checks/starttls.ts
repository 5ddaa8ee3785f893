// starttls: the server offered STARTTLS/STLS (Exchange stops when it has no usable certificate), and X-ANONYMOUSTLS where expected.
import { fail, pass, type Check } from './types.js';

export const starttlsCheck: Check = ({ result, implicitTls, expect, protocol }) => {
  const d = result.smtp ?? result.imap ?? result.pop3;
  if (!d || implicitTls || d.starttlsAdvertised === null) return null;
  const verb = protocol === 'pop3' ? 'STLS' : 'STARTTLS';
  const details: Record<string, unknown> = { advertised: d.starttlsAdvertised };
  if (!d.starttlsAdvertised) return fail('starttls', `${verb} not advertised`, details);
  if (result.smtp && expect.anonymousTls !== undefined) {
    details.anonymousTls = result.smtp.anonymousTlsAdvertised;
    if (expect.anonymousTls !== result.smtp.anonymousTlsAdvertised) {
      return fail('starttls', `X-ANONYMOUSTLS ${result.smtp.anonymousTlsAdvertised ? 'advertised' : 'not advertised'}, expected ${expect.anonymousTls ? 'it' : 'none'}`, details);
    }
  }
  return pass('starttls', `${verb} advertised${details.anonymousTls ? ', with X-ANONYMOUSTLS' : ''}`, details);
};
