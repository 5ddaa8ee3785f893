// Extended Key Usage OIDs and their names (RFC 5280 §4.2.1.12): one table for the config and the checks.

export const EKU_OIDS = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  OCSPSigning: '1.3.6.1.5.5.7.3.9',
} as const;

export const SERVER_AUTH = EKU_OIDS.serverAuth;
/** anyExtendedKeyUsage: allows every purpose. */
export const ANY_EKU = '2.5.29.37.0';

const NAMES = new Map<string, string>([...Object.entries(EKU_OIDS).map(([n, oid]) => [oid, n] as [string, string]), [ANY_EKU, 'anyExtendedKeyUsage']]);

export function ekuName(oid: string): string {
  return NAMES.get(oid) ?? oid;
}
