// Turning zod issues into file:line:column messages with "did you mean" hints.
import * as z from 'zod';
import { describeValue } from './fields.js';
import { formatPath, type PathSegment, type Positions } from './positions.js';
import type { ConfigIssue } from './error.js';

/** An issue at a field path; positions turn it into a line and column. */
export function issueAt(pos: Positions, path: readonly PathSegment[], message: string, opts: { key?: boolean } = {}): ConfigIssue {
  const loc = pos.locate(path, opts);
  // `ca: x.pem` is read as a one-item list: name the scalar, not `ca[0]`.
  const shown = loc && !loc.exact && loc.scalar ? loc.found : path;
  return { file: pos.file, line: loc?.line ?? null, column: loc?.column ?? null, path: formatPath(shown), message };
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
};

/** Per-parse zod error map: messages in YAML terms. Schema-level messages take precedence. */
export const errorMap: z.core.$ZodErrorMap = (iss) => {
  if (iss.code === 'invalid_type') {
    if (iss.input === undefined) return 'required';
    if (iss.input === null) return `is empty; expected ${TYPE_NAMES[iss.expected] ?? iss.expected} (fill it in or remove the key)`;
    const quote = iss.expected === 'string' && (typeof iss.input === 'number' || typeof iss.input === 'boolean');
    const expected = iss.expected === 'number' && (iss.inst as Partial<z.ZodNumber> | undefined)?.isInt ? 'int' : iss.expected;
    return `expected ${TYPE_NAMES[expected] ?? expected}, got ${describeValue(iss.input)}${quote ? ' (put it in quotes)' : ''}`;
  }
  if (iss.code === 'invalid_value') return `expected ${iss.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${describeValue(iss.input)}`;
  if (iss.code === 'too_small' && iss.origin === 'number') return `must be at least ${String(iss.minimum)}`;
  if (iss.code === 'too_big' && iss.origin === 'number') return `must be at most ${String(iss.maximum)}`;
  return undefined;
};

/** Converts zod's issues; unknown keys get one issue each, at the key, with a suggestion. */
export function fromZod(err: z.ZodError, schema: z.ZodType, pos: Positions): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const iss of err.issues) {
    const path = iss.path.filter((s): s is PathSegment => typeof s !== 'symbol');
    if (iss.code === 'unrecognized_keys') {
      for (const key of iss.keys) out.push(issueAt(pos, [...path, key], `unknown key${suggest(key, schema, path)}`, { key: true }));
    } else if (iss.code === 'invalid_key') {
      out.push(issueAt(pos, path, iss.issues[0]?.message ?? iss.message, { key: true }));
    } else {
      out.push(issueAt(pos, path, iss.message));
    }
  }
  return out;
}

/** Schema of the mapping at `path` (through lists, optionals, pipes), or null. */
function objectAt(schema: z.ZodType, path: readonly PathSegment[]): z.ZodObject | null {
  let s: unknown = schema;
  for (let i = 0; ; ) {
    if (s instanceof z.ZodPipe) s = s.in instanceof z.ZodTransform ? s.out : s.in;
    else if (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodPrefault) s = s.unwrap();
    else if (i === path.length) return s instanceof z.ZodObject ? s : null;
    else if (s instanceof z.ZodArray && typeof path[i] === 'number') (s = s.element), i++;
    else if (s instanceof z.ZodObject && typeof path[i] === 'string' && Object.hasOwn(s.shape, path[i]!)) s = s.shape[path[i]!], i++;
    else return null;
  }
}

/** ` (did you mean `servername`?)` for a near miss, or a hint that the key belongs one level down. */
export function suggest(key: string, schema: z.ZodType, path: readonly PathSegment[]): string {
  if (key === '<<') return ' (YAML merge keys are not supported; use `defaults`)';
  const obj = objectAt(schema, path);
  if (!obj) return '';
  const known = Object.keys(obj.shape);
  const norm = (s: string) => s.toLowerCase().replace(/[-_ ]/g, '');
  let best: string | null = null;
  let bestDist = Infinity;
  for (const k of known) {
    const d = distance(norm(key), norm(k));
    if (d < bestDist) (best = k), (bestDist = d);
  }
  if (best !== null && bestDist <= Math.max(1, Math.min(3, Math.floor(best.length / 3)))) return ` (did you mean \`${best}\`?)`;
  for (const k of known) {
    const child = objectAt(schema, [...path, k]);
    if (child && Object.hasOwn(child.shape, key)) return ` (\`${key}\` belongs under \`${k}\`)`;
  }
  return ` (expected one of: ${known.join(', ')})`;
}

/** Levenshtein distance with adjacent transpositions counted as one edit. */
export function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
