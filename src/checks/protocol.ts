// protocol: the negotiated TLS version is at least the expected minimum (default TLS 1.2).
import { fail, pass, type Check } from './types.js';

const ORDER = ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
const FROM_CONFIG: Record<string, string> = { '1.0': 'TLSv1', '1.1': 'TLSv1.1', '1.2': 'TLSv1.2', '1.3': 'TLSv1.3' };

export const protocolCheck: Check = ({ result, expect }) => {
  const got = result.tls?.protocol;
  if (!got) return null;
  const min = FROM_CONFIG[expect.minTls ?? '1.2']!;
  const details = { negotiated: got, minimum: min, cipher: result.tls!.cipher.standardName ?? result.tls!.cipher.name };
  if (ORDER.indexOf(got) < ORDER.indexOf(min)) return fail('protocol', `negotiated ${got}, below the minimum ${min}`, details);
  return pass('protocol', `negotiated ${got} with ${details.cipher}`, details);
};
