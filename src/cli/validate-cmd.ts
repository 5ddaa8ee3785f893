// `tlsprobe validate`: load and check a config file without probing anything.
import { parse } from './args.js';
import type { Io } from './io.js';
import { loadConfigFile, resolveTargets } from '../config/index.js';

export const VALIDATE_USAGE = `usage: tlsprobe validate [--config targets.yaml]`;

export async function validateCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, { config: { type: 'string', short: 'c', default: 'targets.yaml' } });
  const targets = resolveTargets(await loadConfigFile(values.config));
  io.out(`${values.config}: OK (${targets.length} target${targets.length === 1 ? '' : 's'})`);
  return 0;
}
