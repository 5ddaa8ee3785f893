// Files the config names (targets.yaml, the web config, CA bundles, password files) must be regular
// files: reading a FIFO or a device waits for a writer, and a blocked read cannot be cancelled (it
// would hold a libuv thread, or the config loader thread, for good). Checked with stat, which never blocks.
import { statSync, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';

/** Why `st` is not something to read a config input from, or null when it is a regular file. */
function kindProblem(st: Stats): string | null {
  if (st.isFile()) return null;
  const kind = st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : 'something else';
  return `not a regular file: ${kind}`;
}

/** Throws (with `code` set, as fs errors have) when `path` is missing or not a regular file. */
export async function assertRegularFile(path: string): Promise<void> {
  const problem = kindProblem(await stat(path));
  if (problem) throw Object.assign(new Error(problem), { code: problem });
}

export function assertRegularFileSync(path: string): void {
  const problem = kindProblem(statSync(path));
  if (problem) throw Object.assign(new Error(problem), { code: problem });
}
