// Config inputs are read only up to the size checked on the open file: one that is longer than it
// said (a writer racing the agent, a /proc-like file reporting size 0) is refused, not read on to EOF.
import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { readRegularFile, readRegularFileSync } from '../src/config/regular-file.js';
import { tempFiles } from './helpers/cli.js';

describe('readRegularFile', () => {
  it('reads a regular file whole, an empty one too', async () => {
    const d = tempFiles({});
    const text = 'targets: []\n'.repeat(10_000);
    writeFileSync(join(d, 'a.yaml'), text);
    writeFileSync(join(d, 'empty'), '');
    expect((await readRegularFile(join(d, 'a.yaml'), 1 << 20)).toString()).toBe(text);
    expect(readRegularFileSync(join(d, 'a.yaml'), 1 << 20).toString()).toBe(text);
    expect((await readRegularFile(join(d, 'empty'), 10)).length).toBe(0);
    expect(readRegularFileSync(join(d, 'empty'), 10).length).toBe(0);
  });

  it('refuses a file that holds more than its size said (/proc/self/status says 0 bytes), however small the cap', async () => {
    await expect(readRegularFile('/proc/self/status', 64)).rejects.toThrow('changed size while being read');
    expect(() => readRegularFileSync('/proc/self/status', 64)).toThrow('changed size while being read');
  });
});
