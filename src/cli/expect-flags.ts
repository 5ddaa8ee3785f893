// The --expect-* flags `probe` and `check` share, validated with the same rules as targets.yaml.
import type { ResolvedExpect } from '../config/index.js';
import { thumbprint, tlsCertificateName } from '../config/fields.js';
import { UsageError } from './args.js';

export const EXPECT_OPTIONS = {
  'expect-thumbprint': { type: 'string', multiple: true },
  'expect-name': { type: 'string', multiple: true },
  'expect-fqdn': { type: 'string' },
  'expect-tls-certificate-name': { type: 'string' },
} as const;

interface ExpectValues {
  'expect-thumbprint'?: string[];
  'expect-name'?: string[];
  'expect-fqdn'?: string;
  'expect-tls-certificate-name'?: string;
}

export function expectOverrides(v: ExpectValues): Partial<ResolvedExpect> {
  const out: Partial<ResolvedExpect> = {};
  if (v['expect-thumbprint']) {
    out.thumbprint = v['expect-thumbprint'].map((t) => {
      const r = thumbprint.safeParse(t);
      if (!r.success) throw new UsageError(`--expect-thumbprint: ${r.error.issues[0]?.message ?? `"${t}" is not a thumbprint`}`);
      return r.data;
    });
  }
  if (v['expect-name']) out.names = v['expect-name'];
  if (v['expect-fqdn']) out.fqdn = v['expect-fqdn'];
  if (v['expect-tls-certificate-name'] !== undefined) {
    const r = tlsCertificateName.safeParse(v['expect-tls-certificate-name']);
    if (!r.success) throw new UsageError(`--expect-tls-certificate-name: ${r.error.issues[0]?.message ?? 'malformed'}`);
    out.tlsCertificateName = r.data;
  }
  return out;
}
