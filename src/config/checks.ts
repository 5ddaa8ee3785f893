// Checks that span fields (unique names, expiry order, per-protocol expectations), run on the raw
// YAML data so they report even when zod found problems elsewhere in the file.
import { formatDuration, parseDuration } from './duration.js';
import type { PathSegment } from './positions.js';
import { parseTargetUrl, type TargetUrl } from '../target/url.js';

export interface RawIssue {
  path: PathSegment[];
  message: string;
}

type Raw = Record<string, unknown>;
const isObj = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Raw => (isObj(v) ? v : {});
const int = (v: unknown) => (Number.isSafeInteger(v) && (v as number) >= 0 ? (v as number) : undefined);

function ms(v: unknown): number | undefined {
  try {
    return typeof v === 'string' || typeof v === 'number' ? parseDuration(v) : undefined;
  } catch {
    return undefined;
  }
}

function url(v: unknown): TargetUrl | undefined {
  try {
    return typeof v === 'string' ? parseTargetUrl(v) : undefined;
  } catch {
    return undefined;
  }
}

export const BUILTIN_EXPIRY = { warnDays: 30, criticalDays: 7 } as const;

/** `lineOf` adds "line N" to messages that refer to another place in the file. */
export function crossFieldIssues(doc: unknown, lineOf: (path: PathSegment[]) => number | null = () => null): RawIssue[] {
  const out: RawIssue[] = [];
  const root = obj(doc);
  const defaults = obj(root.defaults);
  const dExpiry = obj(defaults.expiry);
  checkSettings(out, ['defaults'], defaults, {}, {});
  const targets = Array.isArray(root.targets) ? root.targets : [];
  const seen = new Map<string, number>();
  targets.forEach((t: unknown, i) => {
    if (!isObj(t)) return;
    if (typeof t.name === 'string') {
      const first = seen.get(t.name);
      if (first === undefined) seen.set(t.name, i);
      else {
        const line = lineOf(['targets', first, 'name']);
        const where = `targets[${first}]${line === null ? '' : `, line ${line}`}`;
        out.push({ path: ['targets', i, 'name'], message: `duplicate target name "${t.name}" (first used by ${where})` });
      }
    }
    checkSettings(out, ['targets', i], t, defaults, dExpiry);
    const u = url(t.url);
    const expect = obj(t.expect);
    if (u && expect.anonymous_tls !== undefined && u.protocol !== 'smtp') {
      out.push({ path: ['targets', i, 'expect', 'anonymous_tls'], message: `only applies to SMTP targets, not ${u.scheme}://` });
    }
    if (u && expect.http_status !== undefined && (u.protocol !== 'https' || u.path === null)) {
      out.push({ path: ['targets', i, 'expect', 'http_status'], message: 'only applies to https:// URLs with a path (e.g. https://host/owa/)' });
    }
  });
  return out;
}

/** critical_days <= warn_days and connect_timeout <= timeout, after merging with defaults. */
function checkSettings(out: RawIssue[], at: PathSegment[], s: Raw, defaults: Raw, dExpiry: Raw): void {
  const e = obj(s.expiry);
  if (s.expiry !== undefined) {
    const warn = int(e.warn_days) ?? (e.warn_days === undefined ? int(dExpiry.warn_days) ?? BUILTIN_EXPIRY.warnDays : undefined);
    const crit = int(e.critical_days) ?? (e.critical_days === undefined ? int(dExpiry.critical_days) ?? BUILTIN_EXPIRY.criticalDays : undefined);
    if (warn !== undefined && crit !== undefined && crit > warn) {
      const key = e.critical_days !== undefined ? 'critical_days' : 'warn_days';
      out.push({ path: [...at, 'expiry', key], message: `critical_days (${crit}) must not exceed warn_days (${warn})` });
    }
  }
  if (s.timeout !== undefined || s.connect_timeout !== undefined) {
    const timeout = s.timeout === undefined ? ms(defaults.timeout) ?? 10_000 : ms(s.timeout);
    const connect = s.connect_timeout === undefined ? ms(defaults.connect_timeout) : ms(s.connect_timeout);
    if (timeout !== undefined && connect !== undefined && connect > timeout) {
      const key = s.connect_timeout !== undefined ? 'connect_timeout' : 'timeout';
      out.push({ path: [...at, key], message: `connect_timeout (${formatDuration(connect)}) must not exceed timeout (${formatDuration(timeout)})` });
    }
  }
}
