/**
 * The Python parser: tree-sitter's Python grammar (tree-sitter-python's WASM build) run by
 * web-tree-sitter. Chosen by measurement (README, "Decisions": Python parser): it parsed every
 * file of the Python corpus and every modern construct tried (PEP 614 decorators, parenthesised
 * context managers, PEP 695 generics, PEP 701 f-strings, t-strings) with exact UTF-16 offsets.
 *
 * Loaded only when a Python migration is read (`initPyParser()`, ~80 ms), like typescript-estree
 * for JS/TS. The tree is copied into plain objects (PyNode) so nothing outlives the WASM tree.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const PY_EXTENSIONS = ['.py'] as const;

/** A file godwit reads as a Python migration (by extension). */
export function isPyMigrationPath(path: string): boolean {
  return path.toLowerCase().endsWith('.py');
}

/** A node of the syntax tree: tree-sitter's node type, [start, end) UTF-16 offsets into the text. */
export interface PyNode {
  type: string;
  start: number;
  end: number;
  /** a named node (an anonymous one is a token such as `(`, `=`, `*`) */
  named: boolean;
  /** the field of the parent this node fills (`function`, `arguments`, `name`, `value` …) */
  field: string | null;
  children: PyNode[];
  parent: PyNode | null;
  /** inserted by error recovery */
  missing?: boolean;
}

type TS = typeof import('web-tree-sitter');
let parser: import('web-tree-sitter').Parser | undefined;
let loading: Promise<void> | undefined;

/**
 * The Python grammar's WASM: dist/tree-sitter-python.wasm, copied there at build
 * (scripts/copy-grammars.mjs: the package ships it, tree-sitter-python is a dev dependency),
 * found from this module (dist/src/sources/extract/python/) or from a chunk of the CLI bundle
 * (dist/src/cli/); from source (tests), the dev dependency's own file.
 */
function grammarPath(): string {
  for (const rel of ['../../../../tree-sitter-python.wasm', '../../tree-sitter-python.wasm']) {
    const url = new URL(rel, import.meta.url);
    if (existsSync(url)) return fileURLToPath(url);
  }
  return createRequire(import.meta.url).resolve('tree-sitter-python/tree-sitter-python.wasm');
}

/** Load web-tree-sitter and the Python grammar (once). */
export function initPyParser(): Promise<void> {
  if (parser) return Promise.resolve();
  loading ??= (async () => {
    const ts = (await import('web-tree-sitter')) as TS;
    await ts.Parser.init();
    const wasm = readFileSync(grammarPath());
    const language = await ts.Language.load(new Uint8Array(wasm));
    const p = new ts.Parser();
    p.setLanguage(language);
    parser = p;
  })();
  return loading;
}

export function isPyParserLoaded(): boolean {
  return parser !== undefined;
}

export class PyParseError extends Error {
  constructor(
    message: string,
    readonly index: number,
  ) {
    super(message);
  }
}

/** Parse Python text (BOM removed). Throws PyParseError at the first syntax error. */
export function parsePython(text: string): PyNode {
  if (!parser) throw new Error('the Python parser is not loaded: call initPyParser() first');
  const tree = parser.parse(text);
  if (!tree) throw new PyParseError('the Python parser gave no tree', 0);
  try {
    const c = tree.walk();
    const root = copyTree(c);
    c.delete();
    const bad = firstError(root);
    if (bad) throw new PyParseError(bad.missing ? `invalid syntax: missing ${JSON.stringify(bad.type)}` : 'invalid syntax', bad.start);
    return root;
  } finally {
    tree.delete();
  }
}

/** Copy the tree (iteratively: deep nesting must not exhaust the stack). */
function copyTree(c: import('web-tree-sitter').TreeCursor): PyNode {
  const make = (parent: PyNode | null): PyNode => {
    const n: PyNode = { type: c.nodeType, start: c.startIndex, end: c.endIndex, named: c.nodeIsNamed, field: c.currentFieldName, children: [], parent };
    if (c.nodeIsMissing) n.missing = true;
    parent?.children.push(n);
    return n;
  };
  const root = make(null);
  let cur = root;
  for (;;) {
    if (c.gotoFirstChild()) {
      cur = make(cur);
      continue;
    }
    while (!c.gotoNextSibling()) {
      if (!c.gotoParent()) return root;
      cur = cur.parent!;
    }
    cur = make(cur.parent);
  }
}

function firstError(root: PyNode): PyNode | undefined {
  const stack = [root];
  let found: PyNode | undefined;
  while (stack.length) {
    const n = stack.pop()!;
    if ((n.type === 'ERROR' || n.missing) && (!found || n.start < found.start)) found = n;
    for (const ch of n.children) stack.push(ch);
  }
  return found;
}

/** The child filling `field`, or the first named child of `type`. */
export function child(n: PyNode, field: string): PyNode | undefined {
  return n.children.find((c) => c.field === field);
}

export function named(n: PyNode): PyNode[] {
  return n.children.filter((c) => c.named && c.type !== 'comment');
}

export function textOf(src: string, n: PyNode): string {
  return src.slice(n.start, n.end);
}

/** `a.b.c` for an identifier/attribute chain, undefined for anything else. */
export function dotted(src: string, n: PyNode | undefined): string | undefined {
  if (!n) return undefined;
  if (n.type === 'identifier') return textOf(src, n);
  if (n.type === 'attribute') {
    const obj = dotted(src, child(n, 'object'));
    const attr = child(n, 'attribute');
    return obj && attr ? `${obj}.${textOf(src, attr)}` : undefined;
  }
  return undefined;
}

/** Shorten an expression's source text for messages. */
export function snippetOf(src: string, n: PyNode, max = 80): string {
  const s = textOf(src, n).replace(/\s+/g, ' ');
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
