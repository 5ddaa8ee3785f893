// The agent's main thread carries no config parser: targets.yaml is parsed on a loader thread, so
// zod and yaml (~20 MB of RSS) are imported only by the CLI's one-shot commands and the web config
// loader. Witnessed by a module resolve hook in a child process running the built CLI (dist/).
import { describe, it, expect } from 'vitest';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { tempFiles } from './helpers/cli.js';

const HOOKS = `export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  const m = /\\/node_modules\\/(zod|yaml)\\//.exec(r.url);
  if (m) process.stderr.write('PARSER ' + m[1] + '\\n');
  return r;
}`;

/** The parser packages imported while the built CLI handles `args` (each once). */
function parsersLoadedBy(args: string[]): Promise<string[]> {
  const hooks = join(tempFiles({ 'hooks.mjs': HOOKS }), 'hooks.mjs');
  const register = `data:text/javascript,import { register } from 'node:module'; register(${JSON.stringify(new URL(`file://${hooks}`).href)});`;
  const main = new URL('../dist/cli/main.js', import.meta.url).href;
  const script = `const { main } = await import(${JSON.stringify(main)}); await main(${JSON.stringify(args)}, { out() {}, err() {} });`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', register, '--input-type=module', '-e', script], { timeout: 30_000 }, (err, _out, stderr) => {
      if (err) return reject(new Error(`${err.message}\n${stderr}`));
      resolve([...new Set(stderr.split('\n').filter((l) => l.startsWith('PARSER ')).map((l) => l.slice(7)))].sort());
    });
  });
}

describe('the agent does not load the config parser on its main thread', () => {
  it('`run` imports neither zod nor yaml (its whole module graph: `--help` loads it, then prints usage)', async () => {
    expect(await parsersLoadedBy(['run', '--help'])).toEqual([]);
  });

  it('the witness sees them where they are used: `validate`', async () => {
    expect(await parsersLoadedBy(['validate', '--help'])).toEqual(['yaml', 'zod']);
  });
});
