// Reads targets.yaml: YAML (with positions) -> zod validation -> Config, or one ConfigError with every issue.
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { LineCounter, parseDocument, visit, type Document } from 'yaml';
import { checkCaFiles } from './cafiles.js';
import { crossFieldIssues } from './checks.js';
import { ConfigError, errorMap, fromZod, issueAt, type ConfigIssue } from './issues.js';
import { Positions, type PathSegment } from './positions.js';
import { configSchema, type Config } from './schema.js';

export interface ParseOptions {
  /** Directory relative `ca` paths start from; default: the directory of `file`. */
  baseDir?: string;
}

export interface Parsed {
  config: Config;
  positions: Positions;
}

/** Parses and validates config text; throws ConfigError listing every problem. No file access. */
export function parseConfig(text: string, file: string, opts: ParseOptions = {}): Config {
  return parseWithPositions(text, file, opts).config;
}

/** Like parseConfig, also returning the positions (to report later checks, e.g. CA files, by line). */
export function parseWithPositions(text: string, file: string, opts: ParseOptions = {}): Parsed {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, logLevel: 'silent', uniqueKeys: true });
  const positions = new Positions(file, doc, lineCounter);
  const yamlIssues = [...doc.errors, ...doc.warnings].map((e): ConfigIssue => {
    const { line, col } = lineCounter.linePos(e.pos[0]);
    return { file, line, column: col, path: '', message: e.message };
  });
  if (yamlIssues.length) throw new ConfigError(yamlIssues);
  const data = toJS(doc, positions);
  if (data === null || data === undefined) {
    throw new ConfigError([{ file, line: 1, column: 1, path: '', message: 'the file is empty (expected a mapping with a `targets` list)' }]);
  }
  const schema = configSchema(opts.baseDir ?? dirname(file));
  const result = schema.safeParse(data, { error: errorMap });
  const issues = result.success ? [] : fromZod(result.error, schema, positions);
  const lineOf = (p: PathSegment[]) => positions.locate(p)?.line ?? null;
  for (const c of crossFieldIssues(data, lineOf)) issues.push(issueAt(positions, c.path, c.message));
  if (issues.length || !result.success) throw new ConfigError(dedupe(issues));
  return { config: result.data, positions };
}

/** Reads, parses and validates a config file, and checks that its CA files hold certificates. */
export async function loadConfigFile(path: string, opts: ParseOptions = {}): Promise<Config> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new ConfigError([{ file: path, line: null, column: null, path: '', message: `cannot read config file (${code})` }]);
  }
  const { config, positions } = parseWithPositions(text, path, opts);
  const caIssues = await checkCaFiles(config, positions);
  if (caIssues.length) throw new ConfigError(caIssues);
  return config;
}

function toJS(doc: Document, positions: Positions): unknown {
  try {
    return doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    // Unresolved aliases and alias bombs surface only here; point at the first alias.
    let first: number | null = null;
    let unresolved: number | null = null;
    visit(doc, {
      Alias(_, node) {
        const at = node.range?.[0] ?? null;
        first ??= at;
        if (node.resolve(doc) === undefined) return (unresolved = at), visit.BREAK;
      },
    });
    const offset = unresolved ?? first;
    const where = offset === null ? positions.locate([]) : positions.at(offset);
    throw new ConfigError([{ file: positions.file, line: where?.line ?? null, column: where?.column ?? null, path: '', message: (e as Error).message }]);
  }
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.line}:${i.column}:${i.path}:${i.message}`;
    return !seen.has(k) && (seen.add(k), true);
  });
}
