// The YAML half of reading a config file (targets.yaml and the web config alike): the file's text,
// then plain data plus the position of every node, with every YAML problem as one ConfigError.
import { LineCounter, parseDocument, visit, type Document } from 'yaml';
import { ConfigError, type ConfigIssue } from './error.js';
import { MAX_CONFIG_BYTES, readRegularFile, unreadable } from './regular-file.js';
import { Positions } from './positions.js';

/** The file's text, or a ConfigError naming it (`what`: "config file", "web config file"). */
export async function readConfigText(path: string, what: string): Promise<string> {
  try {
    return (await readRegularFile(path, MAX_CONFIG_BYTES)).toString('utf8');
  } catch (e) {
    throw new ConfigError([{ file: path, line: null, column: null, path: '', message: `cannot read ${what} (${unreadable(e)})` }]);
  }
}

/** Syntax errors, duplicate keys, unresolved aliases and alias bombs all become ConfigErrors with a line. */
export function readYaml(text: string, file: string): { data: unknown; positions: Positions } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, logLevel: 'silent', uniqueKeys: true });
  const positions = new Positions(file, doc, lineCounter);
  const yamlIssues = [...doc.errors, ...doc.warnings].map((e): ConfigIssue => {
    const { line, col } = lineCounter.linePos(e.pos[0]);
    return { file, line, column: col, path: '', message: e.message };
  });
  if (yamlIssues.length) throw new ConfigError(yamlIssues);
  return { data: toJS(doc, positions), positions };
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
