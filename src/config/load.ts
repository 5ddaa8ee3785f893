// Reads targets.yaml: YAML (with positions) -> zod validation -> Config, or one ConfigError with every issue.
import { dirname } from 'node:path';
import { checkCaFiles } from './cafiles.js';
import { crossFieldIssues } from './checks.js';
import { ConfigError, type ConfigIssue } from './error.js';
import { errorMap, fromZod, issueAt } from './issues.js';
import type { Positions, PathSegment } from './positions.js';
import { readConfigText, readYaml } from './yaml-source.js';
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
  const { data, positions } = readYaml(text, file);
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
  const text = await readConfigText(path, 'config file');
  const { config, positions } = parseWithPositions(text, path, opts);
  const caIssues = await checkCaFiles(config, positions);
  if (caIssues.length) throw new ConfigError(caIssues);
  return config;
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.line}:${i.column}:${i.path}:${i.message}`;
    return !seen.has(k) && (seen.add(k), true);
  });
}
