// `tlsprobe probe <url>`: one ad-hoc probe and its checks, no config file.
import { resolve as resolvePath } from 'node:path';
import { parse, UsageError } from './args.js';
import type { Io } from './io.js';
import { parseTargetUrl, TargetUrlError } from '../target/url.js';
import { checkPemBundle, parseDuration, resolveTarget } from '../config/index.js';
import { runTarget } from '../run/execute.js';
import { renderTable } from '../output/table.js';
import { toJson } from '../output/json.js';
import { expectOverrides, EXPECT_OPTIONS } from './expect-flags.js';

export const PROBE_USAGE = `usage: tlsprobe probe <url> [--json] [--strict] [--servername NAME] [--ehlo NAME] [--timeout 10s] [--ca FILE]... [--no-system-ca]
                      [--expect-thumbprint HEX]... [--expect-name NAME]... [--expect-fqdn FQDN] [--expect-tls-certificate-name "<I>...<S>..."]`;

export async function probeCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      json: { type: 'boolean' },
      strict: { type: 'boolean' },
      servername: { type: 'string' },
      ehlo: { type: 'string' },
      timeout: { type: 'string' },
      ca: { type: 'string', multiple: true },
      'no-system-ca': { type: 'boolean' },
      name: { type: 'string' },
      ...EXPECT_OPTIONS,
    },
    1,
  );
  const text = positionals[0];
  if (!text) throw new UsageError('probe needs a target URL, e.g. smtp://mail.example.com:25');
  let parsedUrl;
  try {
    parsedUrl = parseTargetUrl(text);
  } catch (err) {
    if (err instanceof TargetUrlError) throw new UsageError(err.message);
    throw err;
  }
  let timeout: number | undefined;
  if (values.timeout !== undefined) {
    try {
      timeout = parseDuration(values.timeout);
    } catch (err) {
      throw new UsageError(`--timeout: ${(err as Error).message}`);
    }
  }
  const ca = (values.ca ?? []).map((f) => resolvePath(f));
  for (const file of ca) {
    const problem = await checkPemBundle(file);
    if (problem) throw new UsageError(`--ca ${file}: ${problem}`);
  }
  const target = resolveTarget({
    name: values.name ?? parsedUrl.host,
    url: text,
    parsedUrl,
    ...(values.servername ? { servername: values.servername } : {}),
    ...(values.ehlo ? { ehlo: values.ehlo } : {}),
    ...(timeout !== undefined ? { timeout } : {}),
    ca,
    systemCa: !values['no-system-ca'],
  });
  const result = await runTarget(target, { strict: values.strict ?? false, expectOverride: expectOverrides(values) });
  io.out(values.json ? toJson(result) : renderTable([result]));
  return result.ok ? 0 : 1;
}
