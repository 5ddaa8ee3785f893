// The one table from protocol to driver; the compiler checks that every protocol has one.
import type { Protocol } from '../target/url.js';
import type { Driver } from './driver.js';
import { smtpDriver } from './smtp.js';
import { imapDriver } from './imap.js';
import { pop3Driver } from './pop3.js';
import { httpsDriver } from './https.js';
import { tlsDriver } from './tls.js';

export const DRIVERS = {
  smtp: smtpDriver,
  imap: imapDriver,
  pop3: pop3Driver,
  https: httpsDriver,
  tls: tlsDriver,
} satisfies Record<Protocol, Driver<unknown>>;

/** Where each protocol's details go in ProbeResult. */
export const RESULT_KEY = {
  smtp: 'smtp',
  imap: 'imap',
  pop3: 'pop3',
  https: 'http',
  tls: null,
} as const satisfies Record<Protocol, 'smtp' | 'imap' | 'pop3' | 'http' | null>;
