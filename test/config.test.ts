// Tests for the targets.yaml loader: every error carries file, line and path; valid files normalise.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, parseConfig, parseDuration, resolveTargets, type ConfigIssue } from '../src/config/index.js';
import { createRoot } from '../src/pki/index.js';

const FILE = '/etc/tlsprobe/targets.yaml';

/** Dedents a YAML literal so tests can indent it with the code. */
function y(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = String.raw({ raw: strings }, ...values).replace(/^\n/, '');
  const indent = Math.min(...text.split('\n').filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return text.split('\n').map((l) => l.slice(indent)).join('\n');
}

function issues(text: string, file = FILE): ConfigIssue[] {
  try {
    parseConfig(text, file);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

/** Exactly one issue at this line and path, whose message matches. */
function expectOne(text: string, line: number, path: string, message: RegExp): ConfigIssue {
  const all = issues(text);
  expect(all, JSON.stringify(all, null, 2)).toHaveLength(1);
  expect(all[0]).toMatchObject({ file: FILE, line, path });
  expect(all[0]!.message).toMatch(message);
  return all[0]!;
}

const ONE = (extra = '', url = 'smtp://mail.example.com') => `targets:\n  - name: t0\n    url: ${url}\n${extra}`;

describe('parseConfig: invalid files', () => {
  it('reports YAML syntax errors with line and column', () => {
    const i = expectOne('targets:\n  - name: a\n    url: [smtp://x\n', 4, '', /Flow sequence/);
    expect(i.column).toBe(1);
  });

  it('reports duplicate YAML keys', () => {
    expectOne(ONE('    url: smtp://other\n'), 4, '', /unique/);
  });

  it('rejects unknown keys with a suggestion, at the key', () => {
    const i = expectOne(ONE('    sevrername: mail.example.com\n'), 4, 'targets[0].sevrername', /unknown key.*did you mean `servername`/);
    expect(i.column).toBe(5);
    expectOne(ONE('    expect: { thumbprnt: x }\n'), 4, 'targets[0].expect.thumbprnt', /did you mean `thumbprint`/);
    expectOne(`defaults:\n  systemCa: false\n${ONE()}`, 2, 'defaults.systemCa', /did you mean `system_ca`/);
    expectOne(ONE('    fqdn: mail.example.com\n'), 4, 'targets[0].fqdn', /belongs under `expect`/);
  });

  it('rejects wrong types in YAML terms', () => {
    expectOne(ONE('    system_ca: yes\n'), 4, 'targets[0].system_ca', /expected true or false, got "yes"/);
    expectOne('concurrency: many\n' + ONE(), 1, 'concurrency', /expected an integer/);
    expectOne('targets: { name: a }\n', 1, 'targets', /expected a list, got a mapping/);
    expectOne(ONE('    labels: { rack: 12 }\n'), 4, 'targets[0].labels.rack', /expected a string, got number 12 \(put it in quotes\)/);
  });

  it('reports missing required fields at the enclosing mapping', () => {
    expectOne('targets:\n  - url: smtp://x\n', 2, 'targets[0].name', /required/);
  });

  it('rejects malformed URLs', () => {
    expectOne(ONE('', 'smtp://'), 3, 'targets[0].url', /not a valid URL|has no host/);
    expectOne(ONE('', 'mail.example.com'), 3, 'targets[0].url', /not a URL/);
  });

  it('rejects unknown schemes', () => {
    expectOne(ONE('', 'ldaps://dc01.example.com'), 3, 'targets[0].url', /unknown scheme "ldaps"/);
  });

  it('rejects a path on a non-https URL', () => {
    expectOne(ONE('', 'imaps://mail.example.com/inbox'), 3, 'targets[0].url', /only https:\/\/ targets take a path/);
  });

  it('rejects duplicate target names at the second occurrence', () => {
    const text = y`
      targets:
        - name: exch01
          url: smtp://a.example.com
        - name: exch02
          url: smtp://b.example.com
        - name: exch01
          url: smtp://c.example.com
    `;
    expectOne(text, 6, 'targets[2].name', /duplicate target name "exch01" \(first used by targets\[0\], line 2\)/);
  });

  it('rejects malformed thumbprints', () => {
    const i = expectOne(ONE('    expect:\n      thumbprint: "ABC"\n'), 5, 'targets[0].expect.thumbprint', /"ABC" is not a SHA-1 \(40 hex\) or SHA-256 \(64 hex\) thumbprint/);
    expect(i.column).toBe(19);
    expectOne(ONE(`    expect:\n      thumbprint:\n        - ${'A'.repeat(40)}\n        - ${'G'.repeat(40)}\n`), 7, 'targets[0].expect.thumbprint[1]', /not a SHA-1/);
    const lrm = parseConfig(ONE(`    expect: { thumbprint: "\u200e${'ab '.repeat(20)}" }\n`), FILE);
    expect(lrm.targets[0]!.expect!.thumbprint).toEqual(['AB'.repeat(20)]);
    expectOne(ONE(`    expect: { thumbprint: ${'1'.repeat(40)} }\n`), 4, 'targets[0].expect.thumbprint', /put it in quotes/);
  });

  it('rejects malformed tls_certificate_name', () => {
    for (const bad of ['CN=x', '<S>CN=host<I>CN=ca', '<I><S>CN=host', '<I>CN=ca<S> ', '<I>CN=ca<S>CN=a<S>CN=b']) {
      expectOne(ONE(`    expect:\n      tls_certificate_name: "${bad}"\n`), 5, 'targets[0].expect.tls_certificate_name', /<I>issuer DN<S>subject DN/);
    }
  });

  it('rejects negative, zero, garbage and too-long timeouts', () => {
    expectOne(ONE('    timeout: -5s\n'), 4, 'targets[0].timeout', /negative/);
    expectOne(ONE('    timeout: -5\n'), 4, 'targets[0].timeout', /negative/);
    expectOne(ONE('    timeout: 10 seconds\n'), 4, 'targets[0].timeout', /not a duration/);
    expectOne(ONE('    timeout: 0s\n'), 4, 'targets[0].timeout', /greater than 0/);
    expectOne(ONE('    timeout: 11m\n'), 4, 'targets[0].timeout', /at most 10m/);
    expectOne(`defaults:\n  connect_timeout: [5s]\n${ONE()}`, 2, 'defaults.connect_timeout', /expected a duration/);
    expectOne(ONE('    timeout: 2s\n    connect_timeout: 3s\n'), 5, 'targets[0].connect_timeout', /must not exceed timeout \(2s\)/);
  });

  it('rejects bad label keys, at the key', () => {
    expectOne(ONE('    labels:\n      site: fra\n      9role: x\n'), 6, 'targets[0].labels["9role"]', /must match/);
    expectOne(ONE('    labels: { __name__: x }\n'), 4, 'targets[0].labels.__name__', /reserved/);
  });

  it('rejects bad characters and over-long target names', () => {
    expectOne('targets:\n  - name: exch 01/smtp\n    url: smtp://x\n', 2, 'targets[0].name', /may only contain/);
    expectOne(`targets:\n  - name: ${'a'.repeat(129)}\n    url: smtp://x\n`, 2, 'targets[0].name', /at most 128/);
    expectOne('targets:\n  - name: 12345\n    url: smtp://x\n', 2, 'targets[0].name', /expected a string, got number/);
  });

  it('rejects empty or missing targets, and an empty file', () => {
    expectOne('targets: []\n', 1, 'targets', /at least one target/);
    expectOne('concurrency: 2\n', 1, 'targets', /required/);
    expectOne('', 1, '', /empty/);
  });

  it('rejects cross-field mistakes', () => {
    expectOne(ONE('    expiry: { critical_days: 40 }\n'), 4, 'targets[0].expiry.critical_days', /must not exceed warn_days \(30\)/);
    expectOne(ONE('    expect: { anonymous_tls: true }\n', 'imaps://x'), 4, 'targets[0].expect.anonymous_tls', /only applies to SMTP/);
    expectOne(ONE('    expect: { http_status: 200 }\n', 'https://x'), 4, 'targets[0].expect.http_status', /with a path/);
    expectOne(ONE('    servername: 10.0.0.1\n'), 4, 'targets[0].servername', /SNI cannot carry an IP/);
    expectOne(ONE('    ehlo: "[::1]"\n'), 4, 'targets[0].ehlo', /\[IPv6:::1\]/);
  });

  it('collects every issue, sorted by line, and lists them in the message', () => {
    const text = y`
      targets:
        - name: a
          url: foo://x
          timeout: soon
        - name: a
          url: smtp://x
          expect: { min_tls: 1.5 }
    `;
    const all = issues(text);
    expect(all.map((i) => [i.line, i.path])).toEqual([
      [3, 'targets[0].url'],
      [4, 'targets[0].timeout'],
      [5, 'targets[1].name'],
      [7, 'targets[1].expect.min_tls'],
    ]);
    const err = (() => { try { parseConfig(text, 'targets.yaml'); } catch (e) { return e as ConfigError; } })()!;
    expect(err.message.split('\n')).toHaveLength(4);
    expect(err.message).toMatch(/^targets\.yaml:3:10: targets\[0\]\.url: unknown scheme "foo"/);
  });
});

describe('parseConfig: valid files', () => {
  const text = y`
    concurrency: 4
    defaults:
      timeout: 1m30s
      connect_timeout: 500ms
      ca: certs/internal-root.pem
      system_ca: false
      expiry: { warn_days: 45 }
      expect:
        min_tls: 1.2
        eku: serverAuth
        issuer: "CN=Example Issuing CA 1, O=Example Corp, C=US"
    targets:
      - name: exch01-smtp
        url: smtp://mail.example.com
        ehlo: probe.example.com
        group: exchange-2026-renewal
        labels: { site: fra, role: frontend }
        expect:
          min_tls: "1.3"
          anonymous_tls: true
          thumbprint: "ab:cd:ef:01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd ef 01"
          tls_certificate_name: "<I>CN=Example Issuing CA 1, O=Example Corp, C=US<S>CN=mail.example.com, O=Contoso, S=WA, C=US"
      - name: owa
        url: https://10.0.0.5/owa/
        servername: mail.example.com
        timeout: 20
        ca: [/abs/root.pem, ../other.pem]
        addresses: all
        expiry: { critical_days: 14 }
  `;

  it('normalises durations, thumbprints, EKUs, min_tls and ca paths', () => {
    const cfg = parseConfig(text, FILE);
    expect(cfg.concurrency).toBe(4);
    expect(cfg.defaults).toMatchObject({ timeout: 90_000, connectTimeout: 500, systemCa: false, ca: ['/etc/tlsprobe/certs/internal-root.pem'] });
    expect(cfg.defaults.expect).toMatchObject({ minTls: '1.2', eku: ['1.3.6.1.5.5.7.3.1'] });
    const [smtp, owa] = cfg.targets;
    expect(smtp!.expect!.thumbprint).toEqual(['ABCDEF0123456789ABCDEF0123456789ABCDEF01']);
    expect(smtp!.parsedUrl).toMatchObject({ protocol: 'smtp', host: 'mail.example.com', port: 25 });
    expect(smtp!.url).toBe('smtp://mail.example.com');
    expect(owa!.timeout).toBe(20_000);
    expect(owa!.ca).toEqual(['/abs/root.pem', '/etc/other.pem']);
  });

  it('resolves relative ca paths against baseDir when given', () => {
    const cfg = parseConfig(text, 'inline.yaml', { baseDir: '/srv/conf' });
    expect(cfg.defaults.ca).toEqual(['/srv/conf/certs/internal-root.pem']);
    expect(parseConfig(text, 'conf/t.yaml').defaults.ca).toEqual([resolve('conf/certs/internal-root.pem')]);
  });

  it('merges defaults into each target, expect and expiry key by key', () => {
    const [smtp, owa] = resolveTargets(parseConfig(text, FILE));
    expect(smtp).toMatchObject({
      name: 'exch01-smtp',
      servername: 'mail.example.com',
      ehlo: 'probe.example.com',
      timeoutMs: 90_000,
      connectTimeoutMs: 500,
      ca: ['/etc/tlsprobe/certs/internal-root.pem'],
      systemCa: false,
      addresses: 'first',
      expiry: { warnDays: 45, criticalDays: 7 },
      group: 'exchange-2026-renewal',
      labels: { site: 'fra', role: 'frontend' },
    });
    expect(smtp!.expect).toEqual({
      minTls: '1.3',
      eku: ['1.3.6.1.5.5.7.3.1'],
      issuer: 'CN=Example Issuing CA 1, O=Example Corp, C=US',
      anonymousTls: true,
      thumbprint: ['ABCDEF0123456789ABCDEF0123456789ABCDEF01'],
      tlsCertificateName: '<I>CN=Example Issuing CA 1, O=Example Corp, C=US<S>CN=mail.example.com, O=Contoso, S=WA, C=US',
      names: ['mail.example.com'],
    });
    expect(owa).toMatchObject({
      servername: 'mail.example.com',
      ehlo: undefined,
      timeoutMs: 20_000,
      ca: ['/abs/root.pem', '/etc/other.pem'],
      addresses: 'all',
      expiry: { warnDays: 45, criticalDays: 14 },
      group: null,
      labels: {},
    });
    expect(owa!.expect).toEqual({
      minTls: '1.2',
      eku: ['1.3.6.1.5.5.7.3.1'],
      issuer: 'CN=Example Issuing CA 1, O=Example Corp, C=US',
      httpStatus: [200],
      names: ['mail.example.com'],
    });
  });

  it('fills built-in defaults for a minimal file', () => {
    const [t] = resolveTargets(parseConfig('targets:\n  - { name: a, url: "imaps://[2001:db8::1]" }\n', FILE));
    expect(t).toMatchObject({
      timeoutMs: 10_000, connectTimeoutMs: undefined, ca: [], systemCa: true, addresses: 'first',
      expiry: { warnDays: 30, criticalDays: 7 }, labels: {}, group: null, ehlo: undefined,
      servername: null, expect: { names: ['2001:db8::1'] },
    });
    expect(parseConfig('targets: [{ name: a, url: "smtp://x" }]', FILE).concurrency).toBe(16);
  });
});

describe('parseDuration', () => {
  it.each([
    ['10s', 10_000], ['500ms', 500], ['2m', 120_000], ['1h', 3_600_000], ['1m30s', 90_000],
    ['1h 2m 3s 4ms', 3_723_004], ['1.5s', 1500], ['0s', 0], [' 7 ', 7000], [10, 10_000], [0.25, 250],
  ] as const)('%s -> %d ms', (input, ms) => expect(parseDuration(input)).toBe(ms));

  it.each(['-1s', '', 's', '10', 'abc', '1s1m', '1s1s', '10S', '1d', '1e3s', '5 m s'] as const)('rejects %j', (input) => {
    if (input === '10') expect(parseDuration(input)).toBe(10_000);
    else expect(() => parseDuration(input)).toThrow();
  });

  it('rejects negative and non-finite numbers', () => {
    for (const n of [-1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => parseDuration(n)).toThrow(RangeError);
  });
});

describe('loadConfigFile: CA files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tlsprobe-config-'));
    await mkdir(join(dir, 'certs'));
    // Generated here: no certificate with an expiry date is checked in.
    await writeFile(join(dir, 'certs', 'root.pem'), (await createRoot({ subject: 'CN=Config Test Root', reuseKeys: true })).certPem);
    await writeFile(join(dir, 'empty.pem'), '# nothing here\n');
    await writeFile(join(dir, 'garbage.pem'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const write = async (name: string, text: string) => {
    const p = join(dir, name);
    await writeFile(p, text);
    return p;
  };

  it('loads a file whose relative ca path resolves against its directory', async () => {
    const p = await write('ok.yaml', `defaults:\n  ca: certs/root.pem\n${ONE()}`);
    const cfg = await loadConfigFile(p);
    expect(cfg.defaults.ca).toEqual([join(dir, 'certs', 'root.pem')]);
  });

  it('reports an unreadable ca file at its line', async () => {
    const p = await write('missing.yaml', `${ONE('    ca:\n      - certs/root.pem\n      - nope.pem\n')}`);
    const err = await loadConfigFile(p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const [i, ...rest] = (err as ConfigError).issues;
    expect(rest).toEqual([]);
    expect(i).toMatchObject({ file: p, line: 6, column: 9, path: 'targets[0].ca[1]', message: `${join(dir, 'nope.pem')}: not readable (ENOENT)` });
  });

  it('reports a directory given as ca file', async () => {
    const p = await write('dir.yaml', `defaults:\n  ca: certs\n${ONE()}`);
    await expect(loadConfigFile(p)).rejects.toThrow(/dir\.yaml:2:7: defaults\.ca: .*certs: not readable \(not a regular file: a directory\)$/);
  });

  it('reports a ca file that contains no certificate', async () => {
    const p = await write('nocert.yaml', `defaults:\n  ca: empty.pem\n${ONE('    ca: [garbage.pem]\n')}`);
    const err = (await loadConfigFile(p).catch((e: unknown) => e)) as ConfigError;
    expect(err.issues.map((i) => [i.line, i.path])).toEqual([[2, 'defaults.ca'], [6, 'targets[0].ca[0]']]);
    expect(err.issues[0]!.message).toMatch(/empty\.pem: contains no PEM certificate/);
    expect(err.issues[1]!.message).toMatch(/garbage\.pem: contains no PEM certificate/);
  });

  it('reports an unreadable config file without a line', async () => {
    const p = join(dir, 'does-not-exist.yaml');
    const err = (await loadConfigFile(p).catch((e: unknown) => e)) as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.issues).toEqual([{ file: p, line: null, column: null, path: '', message: 'cannot read config file (ENOENT)' }]);
  });
});

describe('parseConfig never throws anything but ConfigError', () => {
  const returnsOrConfigError = (text: string) => {
    try {
      parseConfig(text, 'x.yaml');
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      for (const i of e.issues) {
        if (i.line !== null && (!Number.isInteger(i.line) || i.line < 1)) throw new Error(`bad line ${i.line}`);
      }
    }
  };

  it('for arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), returnsOrConfigError), { numRuns: 500 });
  });

  it('for YAML-ish strings', () => {
    const token = fc.constantFrom('targets:', '\n', '  ', '- ', 'name: ', 'url: ', 'smtp://x', '{', '}', '[', ']', ',', '&a ', '*a', '!!str ', '"', "'", '#', ': ', '? ', '<<: ', '---\n', 'expect:', '|', '>');
    fc.assert(fc.property(fc.array(token, { maxLength: 40 }).map((t) => t.join('')), returnsOrConfigError), { numRuns: 500 });
  });

  it('for arbitrary JSON-ish objects dumped to YAML', () => {
    const keys = fc.constantFrom('targets', 'defaults', 'name', 'url', 'expect', 'thumbprint', 'timeout', 'ca', 'labels', 'expiry', 'warn_days', 'critical_days', 'http_status', '__proto__', 'constructor');
    const leaf = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom('smtp://x', 'https://x/p', '10s', 'serverAuth'));
    const { value } = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(fc.oneof(keys, fc.string()), tie('value'), { maxKeys: 5 })),
    }));
    const doc = fc.oneof(value, fc.record({ targets: fc.array(fc.dictionary(keys, value, { maxKeys: 6 }), { maxLength: 3 }), defaults: value }, { requiredKeys: [] }));
    fc.assert(fc.property(doc, (v) => returnsOrConfigError(stringify(v))), { numRuns: 500 });
  });
});

describe('revocation settings: crl, ocsp (defaults and targets), ldap (top level)', () => {
  let dir: string;
  const PASSWORD = 'S3cret-do-not-print';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tlsprobe-config-ldap-'));
    await writeFile(join(dir, 'ldap.pass'), `${PASSWORD}\n`, { mode: 0o600 });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('fills built-in defaults: check and require CRLs, no OCSP query, no directory', () => {
    const [t] = resolveTargets(parseConfig(ONE(), FILE));
    expect(t!.crl).toEqual({ check: true, required: true, timeoutMs: 10_000, maxBytes: 100 * 1024 * 1024, maxAgeMs: 86_400_000, staleMarginMs: 86_400_000 });
    expect(t!.ocsp).toEqual({ query: false, timeoutMs: 5_000 });
    expect(t!.ldap).toBeNull();
  });

  it('merges crl and ocsp key by key; sizes and day durations normalise', () => {
    const text = y`
      defaults:
        crl: { required: false, max_bytes: 10MB, stale_margin: 1d12h }
        ocsp: { query: true }
      targets:
        - name: a
          url: smtp://mail.example.com
          crl: { timeout: 3s, max_age: 12h, max_bytes: 512KiB }
          ocsp: { timeout: 2s }
        - { name: b, url: "smtp://b.example.com", crl: { check: false, max_bytes: 2048 } }
    `;
    const [a, b] = resolveTargets(parseConfig(text, FILE));
    expect(a!.crl).toEqual({ check: true, required: false, timeoutMs: 3000, maxBytes: 512 * 1024, maxAgeMs: 12 * 3_600_000, staleMarginMs: 36 * 3_600_000 });
    expect(a!.ocsp).toEqual({ query: true, timeoutMs: 2000 });
    expect(b!.crl).toMatchObject({ check: false, required: false, maxBytes: 2048, staleMarginMs: 36 * 3_600_000 });
    expect(parseConfig(ONE('    crl: { max_bytes: 100MiB }\n'), FILE).targets[0]!.crl!.maxBytes).toBe(100 * 1024 * 1024);
  });

  it('rejects bad values and unknown keys at their line', () => {
    expectOne(ONE('    crl: { max_bytes: lots }\n'), 4, 'targets[0].crl.max_bytes', /expected a size such as 100MiB/);
    expectOne(ONE('    crl: { max_bytes: 0 }\n'), 4, 'targets[0].crl.max_bytes', /between 1 byte/);
    expectOne(ONE('    crl: { stale_margin: 2 weeks }\n'), 4, 'targets[0].crl.stale_margin', /not a duration/);
    expectOne(ONE('    crl: { max_age: 90d }\n'), 4, 'targets[0].crl.max_age', /at most 30d/);
    expectOne(ONE('    crl: { requierd: false }\n'), 4, 'targets[0].crl.requierd', /did you mean `required`/);
    expectOne(ONE('    ocsp: { query: yes }\n'), 4, 'targets[0].ocsp.query', /expected true or false/);
    expectOne(`defaults:\n  ldap: { url: "ldap://dc01" }\n${ONE()}`, 2, 'defaults.ldap', /unknown key/);
    expectOne(`ldap: { url: "http://dc01" }\n${ONE()}`, 1, 'ldap.url', /expected ldap:\/\/host\[:port\]/);
  });

  it('reads the LDAP password from its file, and never shows it', () => {
    const text = y`
      ldap:
        url: ldap://dc01.example.com:389
        bind_dn: "CN=svc-tlsprobe,OU=Service,DC=example,DC=com"
        password_file: ldap.pass
        timeout: 3s
    ` + ONE();
    const [t] = resolveTargets(parseConfig(text, join(dir, 'targets.yaml')));
    expect(t!.ldap).toMatchObject({ url: 'ldap://dc01.example.com:389', bindDn: 'CN=svc-tlsprobe,OU=Service,DC=example,DC=com', timeoutMs: 3000 });
    expect(t!.ldap!.password!.reveal()).toBe(PASSWORD);
    expect(JSON.stringify(t)).not.toContain(PASSWORD);
    expect(String(t!.ldap!.password)).toBe('[redacted]');
  });

  it('names the field when the password file is unreadable, and wants bind_dn and password_file together', () => {
    const missing = expectOne(`ldap:\n  url: ldap://dc01\n  bind_dn: CN=x\n  password_file: nope.pass\n${ONE()}`, 4, 'ldap.password_file', /not readable \(ENOENT\)/);
    expect(missing.message).toContain('/etc/tlsprobe/nope.pass');
    expectOne(`ldap:\n  url: ldap://dc01\n  bind_dn: CN=x\n${ONE()}`, 2, 'ldap.password_file', /go together/);
  });
});
