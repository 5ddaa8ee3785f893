// `tlsprobe probe <url>`: one ad-hoc probe, no config file.
import { parse, UsageError } from './args.js';
import type { Io } from './io.js';
import { parseTargetUrl, defaultServername, TargetUrlError } from '../target/url.js';
import { parseDuration } from '../config/index.js';
import { defaultTimeouts, DEFAULT_LIMITS, DEFAULT_TIMEOUT_MS } from '../probe/limits.js';
import { defaultEhloName } from '../probe/from-config.js';
import { runProbe } from '../probe/runner.js';
import { renderTable } from '../output/table.js';
import { toJson } from '../output/json.js';

export const PROBE_USAGE = `usage: tlsprobe probe <url> [--json] [--servername NAME] [--ehlo NAME] [--timeout 10s] [--ca FILE]...`;

export async function probeCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      json: { type: 'boolean' },
      servername: { type: 'string' },
      ehlo: { type: 'string' },
      timeout: { type: 'string' },
      ca: { type: 'string', multiple: true },
      name: { type: 'string' },
    },
    1,
  );
  const text = positionals[0];
  if (!text) throw new UsageError('probe needs a target URL, e.g. smtp://mail.example.com:25');
  let url;
  try {
    url = parseTargetUrl(text);
  } catch (err) {
    if (err instanceof TargetUrlError) throw new UsageError(err.message);
    throw err;
  }
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  if (values.timeout !== undefined) {
    try {
      timeoutMs = parseDuration(values.timeout);
    } catch (err) {
      throw new UsageError(`--timeout: ${(err as Error).message}`);
    }
  }
  const result = await runProbe({
    name: values.name ?? url.host,
    url,
    servername: values.servername ?? defaultServername(url.host),
    ehlo: values.ehlo ?? defaultEhloName(),
    timeouts: defaultTimeouts(timeoutMs),
    limits: DEFAULT_LIMITS,
    expectHttpStatus: [200],
  });
  io.out(values.json ? toJson(result) : renderTable([result]));
  return result.ok ? 0 : 1;
}
