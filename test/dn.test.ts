// DN parsing across the forms admins paste (.NET, RFC 4514, Node, OpenSSL) and Exchange's TlsCertificateName matching.
import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import { X509Certificate as NodeX509 } from 'node:crypto';
import { createSelfSigned } from '../src/pki/index.js';
import { certInfoFromDer } from '../src/x509/cert-info.js';
import { DnParseError, dnEquals, formatDn, parseDn, type Rdn } from '../src/x509/dn-parse.js';
import { TlsCertificateNameError, matchTlsCertificateName, parseTlsCertificateName } from '../src/x509/tls-certificate-name.js';

const CONTOSO: Rdn[] = [
  { attrs: [{ type: 'CN', value: 'mail.contoso.com' }] },
  { attrs: [{ type: 'O', value: 'Contoso, Ltd' }] },
  { attrs: [{ type: 'L', value: 'Seattle' }] },
  { attrs: [{ type: 'ST', value: 'WA' }] },
  { attrs: [{ type: 'C', value: 'US' }] },
];

describe('parseDn: every input form gives the same RDN list, most specific first', () => {
  it.each([
    ['.NET (Exchange)', 'CN=mail.contoso.com, O="Contoso, Ltd", L=Seattle, S=WA, C=US'],
    ['RFC 4514', 'CN=mail.contoso.com,O=Contoso\\, Ltd,L=Seattle,ST=WA,C=US'],
    ['RFC 4514 hex pair', 'CN=mail.contoso.com,O=Contoso\\2C Ltd,L=Seattle,ST=WA,C=US'],
    ['our dn.ts rendering', 'CN=mail.contoso.com, O=Contoso\\, Ltd, L=Seattle, ST=WA, C=US'],
    ['Node X509Certificate.subject', 'C=US\nST=WA\nL=Seattle\nO=Contoso\\, Ltd\nCN=mail.contoso.com'],
    ['OpenSSL legacy one-line', '/C=US/ST=WA/L=Seattle/O=Contoso, Ltd/CN=mail.contoso.com'],
    ['openssl x509 -subject (oneline)', 'subject=C = US, ST = WA, L = Seattle, O = "Contoso, Ltd", CN = mail.contoso.com'],
    ['long names', 'commonName=mail.contoso.com, organizationName="Contoso, Ltd", localityName=Seattle, stateOrProvinceName=WA, countryName=US'],
    ['dotted OIDs', 'OID.2.5.4.3=mail.contoso.com, 2.5.4.10="Contoso, Ltd", OID.2.5.4.7=Seattle, 2.5.4.8=WA, 2.5.4.6=US'],
  ])('%s', (_form, text) => {
    expect(parseDn(text)).toEqual(CONTOSO);
  });

  it('maps .NET S= and E= to ST and E, like ST= and emailAddress=', () => {
    const net = parseDn('E=postmaster@contoso.com, CN=mail, S=WA');
    expect(net.map((r) => r.attrs[0]!.type)).toEqual(['E', 'CN', 'ST']);
    expect(dnEquals(net, parseDn('emailAddress=postmaster@contoso.com,CN=mail,ST=WA'))).toBe(true);
    expect(dnEquals(net, parseDn('ST=WA\nCN=mail\nemailAddress=postmaster@contoso.com'))).toBe(true);
  });

  it('keeps unknown OIDs dotted and maps EV attributes spelled by name to the same OID', () => {
    const net = parseDn('CN=mail, SERIALNUMBER=HRB 1, OID.2.5.4.15=Private Organization, OID.1.3.6.1.4.1.311.60.2.1.3=DE');
    expect(net.map((r) => r.attrs[0]!.type)).toEqual(['CN', 'SERIALNUMBER', '2.5.4.15', '1.3.6.1.4.1.311.60.2.1.3']);
    const node = parseDn('jurisdictionC=DE\nbusinessCategory=Private Organization\nserialNumber=HRB 1\nCN=mail');
    expect(dnEquals(net, node)).toBe(true);
    expect(parseDn('1.2.3.4=x')[0]!.attrs[0]!.type).toBe('1.2.3.4');
  });

  it('unescapes quoted values, "" inside quotes, backslash escapes and UTF-8 hex pairs', () => {
    expect(parseDn('O="say ""hi"", Ltd"')[0]!.attrs[0]!.value).toBe('say "hi", Ltd');
    expect(parseDn('O=a\\+b\\;c\\<d\\>e\\"f\\\\g\\=h')[0]!.attrs[0]!.value).toBe('a+b;c<d>e"f\\g=h');
    expect(parseDn('CN=caf\\C3\\A9\\ ')[0]!.attrs[0]!.value).toBe('café ');
    expect(parseDn('CN=\\#1')[0]!.attrs[0]!.value).toBe('#1');
    // .NET quotes rather than escapes: a backslash that is no RFC 4514 escape stays literal.
    expect(parseDn('O=Contoso\\Bad Name')[0]!.attrs[0]!.value).toBe('Contoso\\Bad Name');
  });

  it('keeps #hex BER values as hex and compares them case-insensitively', () => {
    const [rdn] = parseDn('2.5.4.97=#0C0B4E545244452D313233');
    expect(rdn!.attrs[0]).toEqual({ type: '2.5.4.97', value: '#0C0B4E545244452D313233' });
    expect(dnEquals(parseDn('2.5.4.97=#0c0b4e545244452d313233'), [rdn!])).toBe(true);
  });

  it('parses multi-valued RDNs in every form, order inside the RDN irrelevant', () => {
    const a = parseDn('CN=mail + OU=Mail, O=Contoso');
    expect(a).toEqual([{ attrs: [{ type: 'CN', value: 'mail' }, { type: 'OU', value: 'Mail' }] }, { attrs: [{ type: 'O', value: 'Contoso' }] }]);
    for (const other of ['OU=Mail+CN=mail,O=Contoso', 'O=Contoso\nOU=Mail + CN=mail', '/O=Contoso/OU=Mail+CN=mail']) {
      expect(dnEquals(a, parseDn(other)), other).toBe(true);
    }
  });

  it('does not split the one-line form on a slash inside a value', () => {
    expect(parseDn('/O=A/B Corp/CN=x')).toEqual([{ attrs: [{ type: 'CN', value: 'x' }] }, { attrs: [{ type: 'O', value: 'A/B Corp' }] }]);
  });

  it('reads a comma-form DN wrapped across lines as one comma-form DN', () => {
    expect(parseDn('CN=mail.contoso.com, O="Contoso, Ltd",\n  L=Seattle, S=WA, C=US')).toEqual(CONTOSO);
  });

  it('matches the renderings of a real certificate: dn.ts, Node and .NET', async () => {
    const { der } = await createSelfSigned({ subject: 'CN=mail.contoso.com, O=Contoso Ltd, L=Seattle, ST=WA, C=US', reuseKeys: true });
    const net = parseDn('CN=mail.contoso.com, O=Contoso Ltd, L=Seattle, S=WA, C=US');
    const ours = parseDn(certInfoFromDer(der, 0).subject);
    expect(ours[0]!.attrs[0]!.type).toBe('CN');
    expect(dnEquals(ours, net)).toBe(true);
    expect(dnEquals(parseDn(new NodeX509(der).subject), net)).toBe(true);
  });
});

describe('dnEquals', () => {
  const base = parseDn('CN=mail.contoso.com, O=Contoso Ltd, C=US');
  it('ignores case and runs of whitespace in values', () => {
    expect(dnEquals(base, parseDn('cn=MAIL.Contoso.com,o=  contoso    ltd ,c=us'))).toBe(true);
  });
  it.each([
    ['different order', 'C=US, O=Contoso Ltd, CN=mail.contoso.com'],
    ['extra RDN', 'CN=mail.contoso.com, OU=IT, O=Contoso Ltd, C=US'],
    ['missing RDN', 'CN=mail.contoso.com, C=US'],
    ['different value', 'CN=mail.contoso.com, O=Contoso Inc, C=US'],
    ['different type', 'CN=mail.contoso.com, OU=Contoso Ltd, C=US'],
    ['RDNs merged into one', 'CN=mail.contoso.com + O=Contoso Ltd, C=US'],
  ])('%s is unequal', (_why, text) => {
    expect(dnEquals(base, parseDn(text))).toBe(false);
  });
});

describe('parseDn errors', () => {
  it.each(['', '   ', 'mail.contoso.com', 'CN', 'CN=a,', 'CN=a,,O=b', 'CN="a', 'CN="a"b', 'CN=a\\', 'C N=x', '=x', '/', 'CN=a\nO=b,C=c'])(
    '%j throws DnParseError',
    (text) => {
      expect(() => parseDn(text)).toThrow(DnParseError);
    },
  );
});

describe('TlsCertificateName', () => {
  const NAME = '<I>CN=Example Issuing CA 1, O=Example Corp, C=US<S>CN=mail.contoso.com, O=Contoso, L=Seattle, S=WA, C=US';
  const presented = { issuer: 'CN=Example Issuing CA 1, O=Example Corp, C=US', subject: 'CN=mail.contoso.com, O=Contoso, L=Seattle, ST=WA, C=US' };

  it('parses issuer and subject, markers case-insensitive, whitespace tolerated', () => {
    const n = parseTlsCertificateName(' <i> CN=Example Issuing CA 1,O=Example Corp,C=US <s> cn=MAIL.contoso.com,o=contoso,l=seattle,st=wa,c=us ');
    expect(n.issuerText).toBe('CN=Example Issuing CA 1,O=Example Corp,C=US');
    expect(n.subject[0]!.attrs[0]).toEqual({ type: 'CN', value: 'MAIL.contoso.com' });
    const m = matchTlsCertificateName(n, presented);
    expect(m).toMatchObject({ match: true, issuerMatches: true, subjectMatches: true });
    expect(matchTlsCertificateName(parseTlsCertificateName(NAME), presented).match).toBe(true);
  });

  it('reports a different subject with both sides', () => {
    const m = matchTlsCertificateName(parseTlsCertificateName(NAME), { ...presented, subject: 'CN=owa.contoso.com, O=Contoso, L=Seattle, ST=WA, C=US' });
    expect(m).toMatchObject({ match: false, issuerMatches: true, subjectMatches: false });
    expect(m.message).toContain('subject differs');
    expect(m.message).toContain('CN=owa.contoso.com');
    expect(m.message).toContain('CN=mail.contoso.com, O=Contoso, L=Seattle, ST=WA, C=US');
  });

  it('says so when only the issuer differs (renewal from a new intermediate)', () => {
    const m = matchTlsCertificateName(parseTlsCertificateName(NAME), { ...presented, issuer: 'CN=Example Issuing CA 2, O=Example Corp, C=US' });
    expect(m).toMatchObject({ match: false, issuerMatches: false, subjectMatches: true });
    expect(m.message).toMatch(/^subject matches but the issuer differs: the certificate was issued by "CN=Example Issuing CA 2, O=Example Corp, C=US"/);
    expect(m.message).toContain('the connector expects "CN=Example Issuing CA 1, O=Example Corp, C=US"');
    expect(m.message).toContain('new intermediate');
  });

  it('reports both parts when both differ, and hints at a reversed DN', () => {
    const n = parseTlsCertificateName('<I>C=US, O=Example Corp, CN=Example Issuing CA 1<S>CN=other');
    const m = matchTlsCertificateName(n, presented);
    expect(m).toMatchObject({ match: false, issuerMatches: false, subjectMatches: false });
    expect(m.message).toContain('subject and issuer differ');
    expect(m.message).toContain('reverse order');
  });

  it.each([
    ['missing <I>', 'CN=Example Issuing CA 1<S>CN=mail.contoso.com'],
    ['missing <S>', '<I>CN=Example Issuing CA 1'],
    ['bare host name', 'mail.contoso.com'],
    ['<S> before <I>', '<S>CN=mail.contoso.com<I>CN=Example Issuing CA 1'],
    ['empty issuer', '<I> <S>CN=mail.contoso.com'],
    ['empty subject', '<I>CN=Example Issuing CA 1<S>'],
    ['text before <I>', 'x<I>CN=a<S>CN=b'],
    ['duplicate marker', '<I>CN=a<S>CN=b<S>CN=c'],
    ['malformed DN', '<I>CN="a<S>CN=b'],
  ])('%s throws TlsCertificateNameError', (_why, text) => {
    expect(() => parseTlsCertificateName(text)).toThrow(TlsCertificateNameError);
  });
});

// Strings built from the pieces that steer the parser, so properties reach its corners, not just "no '=' found".
const dnish = fc
  .array(fc.constantFrom('CN', 'o', 'OID.', '2.5.4.3', '=', ' = ', '"', '""', ',', ', ', ';', '+', ' + ', '\\', '\\2C', '\\C3\\A9', '\\FF',
    '#', '#0c01', '/', '\n', '\r\n', ' ', 'a', 'é', 'subject=', '<I>', '<S>', '<i>', '\u0000'), { maxLength: 30 })
  .map((parts) => parts.join(''));
const anyString = fc.oneof(fc.string({ unit: 'binary' }), dnish);

const rdnsArb: fc.Arbitrary<Rdn[]> = fc.array(
  fc.record({
    attrs: fc.array(
      fc.record({
        type: fc.constantFrom('CN', 'O', 'OU', 'L', 'ST', 'C', 'E', 'DC', 'SERIALNUMBER', 'STREET', 'G', 'SN', 'T', 'UID', '2.5.4.97', '1.3.6.1.4.1.311.60.2.1.3'),
        value: fc.oneof(fc.string({ maxLength: 24 }), fc.string({ unit: 'grapheme', maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 8 })),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  }),
  { minLength: 1, maxLength: 6 },
);

describe('properties', () => {
  it('parseDn returns or throws DnParseError, never anything else', () => {
    fc.assert(fc.property(anyString, (s) => {
      try {
        const rdns = parseDn(s);
        return rdns.length > 0 && rdns.every((r) => r.attrs.length > 0);
      } catch (e) {
        return e instanceof DnParseError;
      }
    }), { numRuns: 3000 });
  });

  it('parseTlsCertificateName returns or throws TlsCertificateNameError, never anything else', () => {
    const arb = fc.oneof(anyString, fc.tuple(dnish, dnish).map(([i, s]) => `<I>${i}<S>${s}`));
    fc.assert(fc.property(arb, (s) => {
      try {
        parseTlsCertificateName(s);
        return true;
      } catch (e) {
        return e instanceof TlsCertificateNameError;
      }
    }), { numRuns: 3000 });
  });

  it('parseDn(formatDn(x)) equals x', () => {
    fc.assert(fc.property(rdnsArb, (rdns) => dnEquals(parseDn(formatDn(rdns)), rdns)), { numRuns: 2000 });
  });
});
