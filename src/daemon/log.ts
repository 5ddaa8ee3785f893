// Structured logs: one JSON object per line on stderr (journald keeps it), with a level threshold.

export const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type Level = (typeof LEVELS)[number];

export type Logger = Record<Level, (msg: string, fields?: Record<string, unknown>) => void>;

export function isLevel(s: string): s is Level {
  return (LEVELS as readonly string[]).includes(s);
}

export function createLogger(level: Level, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const min = LEVELS.indexOf(level);
  const entry = (lvl: Level) => (msg: string, fields: Record<string, unknown> = {}) => {
    if (LEVELS.indexOf(lvl) < min) return;
    write(`${JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields })}\n`);
  };
  return { debug: entry('debug'), info: entry('info'), warn: entry('warn'), error: entry('error') };
}
