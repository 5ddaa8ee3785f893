// Maps field paths (targets[2].expect.thumbprint) to line/column in the YAML source.
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export type PathSegment = string | number;

export interface Located {
  line: number;
  column: number;
  /** True when the whole path exists in the document; false: an ancestor's position. */
  exact: boolean;
  /** The part of the path that exists in the document. */
  found: PathSegment[];
  /** Whether the node found is a scalar (not a mapping or list). */
  scalar: boolean;
}

/** Renders a path as `targets[2].expect.thumbprint`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** Line/column lookup for one parsed YAML document. */
export class Positions {
  constructor(
    readonly file: string,
    private readonly doc: Document | null,
    private readonly lines: LineCounter | null,
  ) {}

  /**
   * Position of the value at `path` (or of its key, with `key: true`); falls back
   * to the closest ancestor that exists. Null when there is no document at all.
   */
  locate(path: readonly PathSegment[], opts: { key?: boolean } = {}): Located | null {
    if (!this.doc || !this.lines) return null;
    let node: unknown = this.doc.contents;
    let keyNode: unknown = null;
    const found: PathSegment[] = [];
    for (const seg of path) {
      const next = this.child(node, seg);
      if (!next) break;
      [node, keyNode] = next;
      found.push(seg);
    }
    const exact = found.length === path.length;
    const target = exact && opts.key && keyNode ? keyNode : node;
    const offset = rangeStart(target) ?? rangeStart(keyNode);
    if (offset === null) return { line: 1, column: 1, exact: false, found: [], scalar: false };
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col, exact, found, scalar: isScalar(node) && node.value !== null };
  }

  /** Line and column of a character offset. */
  at(offset: number): { line: number; column: number } | null {
    if (!this.lines) return null;
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  private child(node: unknown, seg: PathSegment): [unknown, unknown] | null {
    if (isAlias(node) && this.doc) node = node.resolve(this.doc);
    if (isMap(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) {
        const pair = node.items[i]!;
        const k = isScalar(pair.key) ? pair.key.value : pair.key;
        if (k !== null && typeof k !== 'object' && String(k) === String(seg)) {
          // `key:` with nothing after it has a null value node; point at the key.
          const v = isScalar(pair.value) && pair.value.value === null ? pair.key : pair.value;
          return [v ?? pair.key, pair.key];
        }
      }
      return null;
    }
    if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      return item === undefined || item === null ? null : [item, null];
    }
    return null;
  }
}

function rangeStart(node: unknown): number | null {
  const range = (node as Node | null)?.range;
  return range ? range[0] : null;
}
