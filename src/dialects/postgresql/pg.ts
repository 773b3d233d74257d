/**
 * The one place that talks to libpg-query. The WASM module is loaded once (`initParser`);
 * afterwards every call is synchronous.
 *
 * The calls go straight to the module's exported C functions (`_wasm_parse_query_raw`,
 * `_wasm_scan`, `_wasm_parse_plpgsql`), as libpg-query's own `parseSync`/`scanSync` do, but
 * with native text conversion: the SQL is written into WASM memory with
 * `TextEncoder.encodeInto` and results are read with `indexOf(0)` + `TextDecoder`, where the
 * library's JS loops over every byte (a third of the time of a parse, more of a scan). Should
 * a libpg-query release not ship the module file this relies on, the library's public API is
 * used instead; the results are the same.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Node } from 'libpg-query';

export type { Node };

export interface RawStmt {
  stmt: Node;
  stmt_location?: number;
  stmt_len?: number;
}

export class PgSyntaxError extends Error {
  constructor(
    message: string,
    /** 0-based code-point offset into the parsed text. */
    readonly cursor: number,
    /** false when the parser failed without saying where (it ran out of stack): `cursor` is 0 */
    readonly located = true,
  ) {
    super(message);
  }
}

export interface PlpgsqlResult {
  plpgsql_funcs: Array<{ PLpgSQL_function: Record<string, unknown> }>;
}

/** A token as libpg-query's scanner reports it (byte offsets). */
interface ScanToken {
  start: number;
  end: number;
  text: string;
  tokenName: string;
  keywordKind: number;
}

/** What godwit needs from libpg-query; each call throws on a syntax error. */
interface Backend {
  parse(sql: string): { stmts?: RawStmt[] };
  scan(sql: string): { tokens: ScanToken[] };
  plpgsql(sql: string): PlpgsqlResult;
}

/**
 * The deepest statement tree godwit analyses, in levels of the parser's JSON (objects and
 * arrays). A deeper statement is a syntax error here ("nested too deeply"), so that no
 * recursive walk over a tree (the rule runner's, the analyses', the rules') can overflow the
 * stack. PostgreSQL builds `a || b || …` and `SELECT … UNION ALL SELECT …` as left-deep trees
 * (one level per term); every statement of the corpus is under 40 levels, the whole pipeline
 * was measured to work at 3,000 and to overflow at 5,000.
 */
export const MAX_TREE_DEPTH = 2000;

let ready: Promise<void> | null = null;
let backend: Backend | undefined;

export function initParser(): Promise<void> {
  if (!ready) ready = loadBackend().then((b) => { backend = b; });
  return ready;
}

function loaded(): Backend {
  if (!backend) throw new Error('godwit: the SQL parser is not loaded; await initParser() first');
  return backend;
}

/** Parse SQL; throws PgSyntaxError (also for a statement nested deeper than MAX_TREE_DEPTH). Empty/whitespace input yields no statements. */
export function parseSql(sql: string): RawStmt[] {
  const b = loaded();
  if (sql.trim() === '') return [];
  let stmts: RawStmt[];
  try {
    stmts = (b.parse(sql).stmts ?? []) as RawStmt[];
  } catch (e) {
    throw toSyntaxError(e);
  }
  const deep = stmts.find((r) => deeperThan(r.stmt, MAX_TREE_DEPTH));
  if (deep) throw new PgSyntaxError(`statement nested too deeply to analyze (more than ${MAX_TREE_DEPTH} levels)`, codePointsIn(sql, deep.stmt_location ?? 0));
  return stmts;
}

export function parsePlpgsql(functionSql: string): PlpgsqlResult {
  const b = loaded();
  let result: PlpgsqlResult;
  try {
    result = b.plpgsql(functionSql);
  } catch (e) {
    throw toSyntaxError(e);
  }
  if (deeperThan(result, MAX_TREE_DEPTH)) throw new PgSyntaxError(`PL/pgSQL block nested too deeply to analyze (more than ${MAX_TREE_DEPTH} levels)`, 0);
  return result;
}

/** Trees the direct backend measured on their JSON text: known to be shallow, or deep. */
const measured = new WeakMap<object, boolean>();

/** The tree nests objects and arrays more than `limit` levels deep (an iterative walk). */
function deeperThan(root: unknown, limit: number): boolean {
  if (root === null || typeof root !== 'object') return false;
  const known = measured.get(root);
  if (known !== undefined) return known;
  const stack: unknown[] = [root, 1];
  while (stack.length) {
    const depth = stack.pop() as number;
    const node = stack.pop() as Record<string, unknown>;
    if (depth > limit) return true;
    for (const k in node) {
      const v = node[k];
      if (v !== null && typeof v === 'object') stack.push(v, depth + 1);
    }
  }
  return false;
}

/** Code points in the first `bytes` UTF-8 bytes of `s` (libpg-query error positions count code points). */
function codePointsIn(s: string, bytes: number): number {
  let n = 0;
  for (const _ of Buffer.from(s, 'utf8').subarray(0, bytes).toString('utf8')) n++;
  return n;
}

export interface Token {
  start: number; // byte offset
  end: number; // byte offset
  name: string; // token name, e.g. SQL_COMMENT, C_COMMENT, ASCII_59, IDENT, SCONST
  keyword: boolean;
  text: string;
}

/** Tokenize; returns null when the scanner rejects the text (unterminated literal or comment). */
export function scanSql(sql: string): Token[] | null {
  const b = loaded();
  if (sql === '') return [];
  try {
    return b.scan(sql).tokens.map((t) => ({
      start: t.start,
      end: t.end,
      name: t.tokenName,
      keyword: t.keywordKind !== 0,
      text: t.text,
    }));
  } catch {
    return null;
  }
}

function toSyntaxError(e: unknown): PgSyntaxError {
  if (e instanceof PgSyntaxError) return e;
  // the WASM stack ran out (recursion in PostgreSQL's parser or its JSON output)
  if (e instanceof RangeError) return new PgSyntaxError('statement nested too deeply to parse (the parser ran out of stack)', 0, false);
  const details = (e as { sqlDetails?: { cursorPosition?: number } } | null)?.sqlDetails;
  const message = e instanceof Error ? e.message : String(e);
  return new PgSyntaxError(message, details?.cursorPosition ?? 0, details?.cursorPosition !== undefined);
}

async function loadBackend(): Promise<Backend> {
  const direct = await loadDirect();
  if (direct) return direct;
  const pg = await import('libpg-query');
  await pg.loadModule();
  return {
    parse: (sql) => pg.parseSync(sql) as { stmts?: RawStmt[] },
    scan: (sql) => pg.scanSync(sql),
    plpgsql: (sql) => pg.parsePlPgSQLSync(sql) as unknown as PlpgsqlResult,
  };
}

/** The Emscripten module of libpg-query (wasm/libpg-query.js), as far as godwit uses it. */
interface PgModule {
  HEAPU8: Uint8Array;
  HEAPU32: Uint32Array;
  _malloc(size: number): number;
  _free(ptr: number): void;
  _wasm_parse_query_raw(ptr: number): number;
  _wasm_free_parse_result(ptr: number): void;
  _wasm_scan(ptr: number): number;
  _wasm_parse_plpgsql(ptr: number): number;
  _wasm_free_string(ptr: number): void;
}

const FUNCTIONS = ['_malloc', '_free', '_wasm_parse_query_raw', '_wasm_free_parse_result', '_wasm_scan', '_wasm_parse_plpgsql', '_wasm_free_string'] as const;

async function loadDirect(): Promise<Backend | undefined> {
  const require = createRequire(import.meta.url);
  let factory: unknown;
  let binary: Uint8Array<ArrayBuffer>;
  try {
    factory = require('libpg-query/wasm/libpg-query.js');
    binary = new Uint8Array(readFileSync(require.resolve('libpg-query/wasm/libpg-query.wasm')));
  } catch {
    return undefined;
  }
  if (typeof factory !== 'function') return undefined;
  // Compiled synchronously (Emscripten's `instantiateWasm` hook). With the default asynchronous
  // compilation, the first event-loop turn after the first parse waited ~0.1 s for V8's
  // background compiler: a tenth of a second on every one-file run.
  let instance: WebAssembly.Instance | undefined;
  const instantiateWasm = (imports: WebAssembly.Imports, receive: (instance: WebAssembly.Instance) => void): Record<string, never> => {
    instance = new WebAssembly.Instance(new WebAssembly.Module(binary), imports);
    receive(instance);
    return {};
  };
  const m = (await (factory as (arg: object) => Promise<unknown>)({ instantiateWasm })) as Partial<PgModule>;
  if (m && instance) Object.defineProperty(m, INSTANCE, { value: instance });
  if (!m || !(m.HEAPU8 instanceof Uint8Array) || !(m.HEAPU32 instanceof Uint32Array) || FUNCTIONS.some((f) => typeof m[f] !== 'function')) return undefined;
  return directBackend(m as PgModule);
}

function directBackend(m: PgModule): Backend {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder('utf-8');

  /** The text as a NUL-terminated UTF-8 string in WASM memory (free it with _free). */
  const write = (s: string): number => {
    const size = Buffer.byteLength(s, 'utf8');
    const ptr = m._malloc(size + 1);
    if (!ptr) throw new Error('out of memory in the SQL parser');
    const heap = m.HEAPU8; // read after _malloc: growing the memory replaces the view
    encoder.encodeInto(s, heap.subarray(ptr, ptr + size));
    heap[ptr + size] = 0;
    return ptr;
  };
  const read = (ptr: number): string => {
    if (!ptr) return '';
    const heap = m.HEAPU8;
    const end = heap.indexOf(0, ptr);
    return decoder.decode(heap.subarray(ptr, end === -1 ? heap.length : end));
  };
  /** A call returning a C string (freed afterwards); `check` throws on an error message; `repair` mends JSON that did not parse. */
  const stringCall = (fn: (ptr: number) => number, sql: string, check: (s: string) => void, repair?: (s: string) => string): unknown => {
    const input = write(sql);
    let result = 0;
    try {
      result = fn(input);
      const s = read(result);
      check(s);
      try {
        return JSON.parse(s);
      } catch (e) {
        if (!repair) throw e;
        return JSON.parse(repair(s));
      }
    } finally {
      m._free(input);
      if (result) m._wasm_free_string(result);
    }
  };

  // PostgreSQL's parser recurses on the WASM stack; a statement nested too deeply for it ends in
  // a JavaScript RangeError thrown through the WASM frames, which leaves Emscripten's stack
  // pointer where the error left it (after a few hundred such errors the module was corrupt:
  // "table index is out of bounds"). It is put back after every failed call.
  const stack = stackFunctions(m);
  const guarded = <T>(call: () => T): T => {
    const sp = stack?.save();
    try {
      return call();
    } catch (e) {
      if (stack && sp !== undefined) stack.restore(sp);
      throw e;
    }
  };

  return {
    parse: (sql) => guarded(() => parse(sql)),
    scan: (sql) => guarded(() => scan(sql)),
    plpgsql: (sql) => guarded(() => plpgsql(sql)),
  };

  function parse(sql: string): { stmts?: RawStmt[] } {
    const input = write(sql);
    let result = 0;
    try {
      result = m._wasm_parse_query_raw(input);
      if (!result) throw new Error('Failed to parse query: memory allocation failed');
      // struct PgQueryParseResult { char *parse_tree; char *stderr_buffer; PgQueryError *error; }
      const heap32 = m.HEAPU32;
      const tree = heap32[result >> 2];
      const error = heap32[(result + 8) >> 2];
      if (error) {
        // struct PgQueryError { char *message; char *funcname; char *filename; int lineno; int cursorpos; … }
        const message = heap32[error >> 2];
        const cursor = heap32[(error + 16) >> 2] | 0;
        throw new PgSyntaxError(message ? read(message) : 'Unknown error', cursor > 0 ? cursor - 1 : 0);
      }
      if (!tree) throw new Error('No parse tree generated');
      const json = read(tree);
      const parsed = JSON.parse(json) as { stmts?: RawStmt[] };
      // the text's nesting bounds every statement's (each sits 3 levels down): only when it is
      // over the limit are the statements walked to find the deep one
      if (!nestedDeeperThan(json, MAX_TREE_DEPTH + 3)) for (const r of parsed.stmts ?? []) measured.set(r.stmt, false);
      return parsed;
    } finally {
      m._free(input);
      if (result) m._wasm_free_parse_result(result);
    }
  }
  function scan(sql: string): { tokens: ScanToken[] } {
    return stringCall(m._wasm_scan, sql, (s) => {
      if (s.startsWith('syntax error') || s.startsWith('deparse error') || s.startsWith('ERROR')) throw new Error(s);
    }, escapeControlCharacters) as { tokens: ScanToken[] };
  }
  function plpgsql(sql: string): PlpgsqlResult {
    // success is always a JSON object; anything else is an error message
    return stringCall(m._wasm_parse_plpgsql, sql, (s) => {
      if (!s.startsWith('{')) throw new Error(s);
    }) as PlpgsqlResult;
  }
}

/**
 * Emscripten's stack save/restore (`emscripten_stack_get_current`, `_emscripten_stack_restore`),
 * which the module exports under minified names: found by reading which export its JS glue
 * assigns them from. Undefined if the glue does not say (a future build): then nothing is restored.
 */
function stackFunctions(m: PgModule): { save(): number; restore(sp: number): void } | undefined {
  const exports = (m as unknown as { [INSTANCE]?: WebAssembly.Instance })[INSTANCE]?.exports;
  const names = glueExportNames();
  const save = names && exports?.[names.save];
  const restore = names && exports?.[names.restore];
  if (typeof save !== 'function' || typeof restore !== 'function') return undefined;
  return { save: save as () => number, restore: restore as (sp: number) => void };
}

let glueNames: { save: string; restore: string } | null | undefined;
function glueExportNames(): { save: string; restore: string } | undefined {
  if (glueNames === undefined) {
    glueNames = null;
    try {
      const require = createRequire(import.meta.url);
      const glue = readFileSync(require.resolve('libpg-query/wasm/libpg-query.js'), 'utf8');
      const save = /_emscripten_stack_get_current=wasmExports\["(\w+)"\]/.exec(glue)?.[1];
      const restore = /__emscripten_stack_restore=wasmExports\["(\w+)"\]/.exec(glue)?.[1];
      if (save && restore) glueNames = { save, restore };
    } catch {
      // no glue to read: no stack restore
    }
  }
  return glueNames ?? undefined;
}

/** The module's WebAssembly instance (kept by `instantiateWasm`). */
const INSTANCE = Symbol('godwit.wasmInstance');

/**
 * libpg-query's scanner writes token text into its JSON without escaping control characters
 * (a string or comment holding U+0003 made the whole scan fail, and with it the file's
 * tokens). Its JSON is compact, so a control character can only be inside a string: escaped.
 */
function escapeControlCharacters(json: string): string {
  return json.replace(/[\u0000-\u001f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Is the JSON text nested more than `limit` levels (objects and arrays; strings skipped)? */
function nestedDeeperThan(s: string, limit: number): boolean {
  if (s.length <= 2 * limit) return false; // each level takes an opening and a closing character
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34) {
      // a string: to its closing quote (one not escaped by an odd run of backslashes)
      for (let from = i + 1; ; ) {
        const q = s.indexOf('"', from);
        if (q === -1) return false;
        let b = q - 1;
        while (s.charCodeAt(b) === 92) b--;
        if ((q - 1 - b) % 2 === 0) {
          i = q;
          break;
        }
        from = q + 1;
      }
    } else if (c === 123 || c === 91) {
      if (++depth > limit) return true;
    } else if (c === 125 || c === 93) {
      depth--;
    }
  }
  return false;
}
