// Builds captured results and check inputs from generated certificates, so checks are tested without a network.
import { certInfoFromDer } from '../../src/x509/cert-info.js';
import type { ProbeResult } from '../../src/probe/result.js';
import type { CheckInput } from '../../src/checks/index.js';
import { buildStore } from '../../src/checks/trust.js';
import type { Issued } from '../../src/pki/index.js';
import type { Protocol } from '../../src/target/url.js';

export function resultWith(presented: Issued[], o: { chainSource?: 'presented' | 'reconstructed'; protocol?: string; cipher?: string } = {}): ProbeResult {
  return {
    name: 't',
    url: 'smtp://mail.example.test:25',
    address: '127.0.0.1',
    servername: 'mail.example.test',
    ok: true,
    error: null,
    startedAt: new Date().toISOString(),
    tls: {
      protocol: o.protocol ?? 'TLSv1.2',
      cipher: { name: 'ECDHE-RSA-AES256-GCM-SHA384', standardName: o.cipher ?? 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', version: 'TLSv1.2' },
      ephemeralKey: null,
      alpn: null,
      ocspStapled: false,
      chainSource: o.chainSource ?? 'presented',
    },
    chain: presented.map((c, i) => certInfoFromDer(c.der, i)),
    timings: {},
    checks: [],
  };
}

export function input(result: ProbeResult, o: Partial<Omit<CheckInput, 'result'>> & { roots?: Issued[] } = {}): CheckInput {
  const { roots, ...rest } = o;
  return {
    result,
    protocol: 'smtp' as Protocol,
    implicitTls: false,
    expect: { names: ['mail.example.test'] },
    expiry: { warnDays: 30, criticalDays: 7 },
    trust: buildStore((roots ?? []).map((r) => r.certPem)),
    now: Date.now(),
    ...rest,
  };
}
