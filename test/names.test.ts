// RFC 6125 host-name matching: SAN dNSName / iPAddress, wildcards, and the CN fallback for certificates without SAN.
import { describe, it, expect } from 'vitest';
import { ipKey, isWildcard, matchHost, matchesName } from '../src/x509/names.js';

const cert = (dns: string[], ip: string[] = [], subjectCN: string | null = null) => ({ san: { dns, ip }, subjectCN });

describe('matchesName', () => {
  it.each([
    ['mail.contoso.com', 'mail.contoso.com', true],
    ['Mail.Contoso.COM', 'mail.contoso.com', true],
    ['mail.contoso.com.', 'mail.contoso.com', true],
    ['mail.contoso.com', 'MAIL.contoso.com.', true],
    ['mail.contoso.com', 'smtp.contoso.com', false],
    ['mail.contoso.com', 'mail.contoso.com.evil.test', false],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example', true],
    ['xn--bcher-kva.example', 'bücher.example', false], // A-labels as given, no IDN conversion
  ])('%s vs %s → %s', (pattern, host, want) => {
    expect(matchesName(pattern, host)).toBe(want);
  });

  it.each([
    ['*.contoso.com', 'mail.contoso.com', true],
    ['*.Contoso.com.', 'MAIL.contoso.com', true],
    ['*.contoso.com', 'contoso.com', false], // not the apex
    ['*.contoso.com', 'a.mail.contoso.com', false], // exactly one label
    ['*.contoso.com', '.contoso.com', false],
    ['w*.contoso.com', 'www.contoso.com', false], // partial-label wildcard refused (RFC 6125 §6.4.3 permits that)
    ['*mail.contoso.com', 'mail.contoso.com', false],
    ['mail.*.com', 'mail.contoso.com', false], // only the left-most label
    ['*.*.contoso.com', 'a.b.contoso.com', false],
    ['*.com', 'contoso.com', false], // directly below a TLD
    ['*', 'localhost', false],
    ['*.contoso.com', '*.contoso.com', false],
  ])('wildcard %s vs %s → %s', (pattern, host, want) => {
    expect(matchesName(pattern, host)).toBe(want);
  });

  it('never matches an IP address, not even the same text in a dNSName', () => {
    expect(matchesName('*.0.0.1', '10.0.0.1')).toBe(false);
    expect(matchesName('10.0.0.1', '10.0.0.1')).toBe(false);
    expect(matchesName('::1', '::1')).toBe(false);
  });

  it('rejects empty names and empty labels', () => {
    expect(matchesName('', '')).toBe(false);
    expect(matchesName('a..contoso.com', 'a..contoso.com')).toBe(false);
  });
});

describe('isWildcard', () => {
  it('is true for any asterisk, honoured or not', () => {
    expect(isWildcard('*.contoso.com')).toBe(true);
    expect(isWildcard('w*.contoso.com')).toBe(true);
    expect(isWildcard('mail.contoso.com')).toBe(false);
  });
});

describe('ipKey', () => {
  it('normalises IPv6 text and keeps families apart', () => {
    expect(ipKey('::1')).toBe(ipKey('0:0::1'));
    expect(ipKey('[2001:DB8::1]')).toBe(ipKey('2001:db8:0:0:0:0:0:1'));
    expect(ipKey('fe80::1%eth0')).toBe(ipKey('fe80::1'));
    expect(ipKey('::ffff:192.0.2.1')).toBe(ipKey('::ffff:c000:201'));
    expect(ipKey('192.0.2.1')).not.toBe(ipKey('::ffff:192.0.2.1'));
    expect(ipKey('mail.contoso.com')).toBeNull();
    expect(ipKey('1.2.3')).toBeNull();
  });
});

describe('matchHost', () => {
  it('matches a SAN dNSName, exact or wildcard', () => {
    expect(matchHost('mail.contoso.com', cert(['autodiscover.contoso.com', 'mail.contoso.com']))).toEqual({
      matched: true, by: 'san-dns', matchedEntry: 'mail.contoso.com', usedCn: false,
    });
    expect(matchHost('owa.contoso.com', cert(['*.contoso.com']))).toMatchObject({ matched: true, by: 'san-dns', matchedEntry: '*.contoso.com' });
    expect(matchHost('contoso.com', cert(['*.contoso.com']))).toMatchObject({ matched: false, by: null, matchedEntry: null });
  });

  it('matches IPv4 and IPv6 hosts against SAN iPAddress entries only', () => {
    const c = cert(['mail.contoso.com', '192.0.2.10', '*.0.2.10'], ['192.0.2.25', '2001:db8::25']);
    expect(matchHost('192.0.2.25', c)).toMatchObject({ matched: true, by: 'san-ip', matchedEntry: '192.0.2.25' });
    expect(matchHost('2001:DB8:0:0::25', c)).toMatchObject({ matched: true, by: 'san-ip', matchedEntry: '2001:db8::25' });
    expect(matchHost('[2001:db8::25]', c)).toMatchObject({ matched: true, by: 'san-ip' });
    expect(matchHost('::1', cert([], ['0:0::1']))).toMatchObject({ matched: true, by: 'san-ip' });
    // Neither a dNSName holding the address text nor a wildcard covers an IP host.
    expect(matchHost('192.0.2.10', c)).toMatchObject({ matched: false, by: null, usedCn: false });
  });

  it('falls back to the CN only when the certificate has no SAN at all', () => {
    expect(matchHost('mail.contoso.com', cert([], [], 'mail.contoso.com'))).toEqual({
      matched: true, by: 'cn', matchedEntry: 'mail.contoso.com', usedCn: true,
    });
    expect(matchHost('mail.contoso.com', cert([], [], '*.contoso.com'))).toMatchObject({ matched: true, by: 'cn', usedCn: true });
    expect(matchHost('192.0.2.7', cert([], [], '192.0.2.7'))).toMatchObject({ matched: true, by: 'cn', usedCn: true });
    expect(matchHost('smtp.contoso.com', cert([], [], 'mail.contoso.com'))).toEqual({
      matched: false, by: null, matchedEntry: null, usedCn: true,
    });
  });

  it('ignores the CN when any SAN DNS or IP entry is present', () => {
    expect(matchHost('mail.contoso.com', cert(['owa.contoso.com'], [], 'mail.contoso.com'))).toEqual({
      matched: false, by: null, matchedEntry: null, usedCn: false,
    });
    expect(matchHost('mail.contoso.com', cert([], ['192.0.2.1'], 'mail.contoso.com'))).toMatchObject({ matched: false, usedCn: false });
  });

  it('reports no match and no CN use for a certificate with neither SAN nor CN', () => {
    expect(matchHost('mail.contoso.com', cert([]))).toEqual({ matched: false, by: null, matchedEntry: null, usedCn: false });
  });
});
