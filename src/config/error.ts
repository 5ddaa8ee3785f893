// ConfigError and its issues: kept apart from the zod and YAML code that finds them, so that the
// agent's main thread (which receives configs loaded on a worker thread) does not load either.
export interface ConfigIssue {
  file: string;
  /** 1-based; null when the problem is not tied to a place in the file (e.g. unreadable file). */
  line: number | null;
  column: number | null;
  /** Field path such as `targets[2].url`; empty for the document as a whole. */
  path: string;
  message: string;
}

export function formatIssue(i: ConfigIssue): string {
  const where = i.line === null ? i.file : `${i.file}:${i.line}:${i.column ?? 1}`;
  return `${where}: ${i.path ? `${i.path}: ` : ''}${i.message}`;
}

export function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

/** Thrown for any problem with a config file; `message` lists every issue, one per line. */
export class ConfigError extends Error {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    const sorted = sortIssues(issues);
    super(sorted.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
    this.issues = sorted;
  }
}
