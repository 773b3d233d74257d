/**
 * The worker thread of test/fuzz.test.ts: generates mutated SQL from seed files with a
 * fixed-seed PRNG and feeds each input to godwit's built API (dist/): parseFile (the lazy
 * fast path compared with the full-scan reference), lintSql with every rule, the fix loop,
 * and now and then lintProject on a migration folder of mutated files. It posts `start`
 * (with the input, so a hang can be reproduced) before each input and `done` after it; a
 * thrown error or a broken invariant is posted as `fail`. Running in a worker lets the test
 * thread terminate it when an input hangs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

const { dist, seedFiles, seed, from, to, projectEvery } = workerData;
const { initParser, lintSql } = await import(`${dist}/src/lint.js`);
const { parseFile } = await import(`${dist}/src/dialects/postgresql/parse.js`);
const { parseSql } = await import(`${dist}/src/dialects/postgresql/pg.js`);
const { lintProject } = await import(`${dist}/src/project.js`);
const { fixText } = await import(`${dist}/src/fix/loop.js`);
await initParser();

// ---------------------------------------------------------------- deterministic randomness
/** mulberry32: a small, fast PRNG; the same seed gives the same inputs on every machine. */
function prng(a) {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const int = (r, n) => Math.floor(r() * n);
const pick = (r, xs) => xs[int(r, xs.length)];

const SPECIALS = ["'", '"', '$$', '$x$', '/*', '*/', '--', ';', '(', ')', '[', ']', ',', '\\', "E'\\", "U&'", '\0', '\r', '\r\n', '\ufeff', '😀', 'é', '\u2028', ' ', '\n', '::', 'BEGIN', 'COMMIT', 'END', 'CASE', 'ATOMIC', 'DO $$', '$1', 'NOT', '-- godwit-ignore', '/* eslint-disable */', '\\connect x\n'];
const BAD_UTF8 = [[0xc3], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xff], [0xe2, 0x82], [0xf0, 0x9f, 0x98]];
const decoder = new TextDecoder('utf-8'); // as the CLI reads files: invalid sequences become U+FFFD

/**
 * Rough tokens of a text, for mutating it (words, numbers, quoted strings, dollar quotes,
 * comments, single punctuation): cheap, and exact enough for fuzzing.
 */
function tokensOf(text) {
  const out = [];
  const re = /[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*|\d+(?:\.\d+)?|'(?:[^']|'')*'|"[^"]*"|\$\w*\$|--[^\n]*|\/\*[\s\S]*?\*\/|[^\s]/g;
  for (let m; (m = re.exec(text)) && out.length < 20000; ) out.push({ start: m.index, end: m.index + m[0].length });
  return out.length ? out : [{ start: 0, end: text.length }];
}

/** Mutations of the text (token level) or of its UTF-8 bytes (byte level, decoded as the CLI decodes files). */
const MUTATIONS = {
  dropToken(r, t, toks) {
    const x = pick(r, toks);
    return t.slice(0, x.start) + t.slice(x.end);
  },
  duplicateToken(r, t, toks) {
    const x = pick(r, toks);
    return t.slice(0, x.end) + ' ' + t.slice(x.start, x.end) + t.slice(x.end);
  },
  swapTokens(r, t, toks) {
    let x = pick(r, toks);
    let y = pick(r, toks);
    if (x.start > y.start) [x, y] = [y, x];
    if (x.end > y.start) return t;
    return t.slice(0, x.start) + t.slice(y.start, y.end) + t.slice(x.end, y.start) + t.slice(x.start, x.end) + t.slice(y.end);
  },
  cut(r, t) {
    return bytes(t, (b) => b.subarray(0, int(r, b.length + 1))); // at a byte: may end inside a UTF-8 sequence
  },
  cutFront(r, t) {
    return bytes(t, (b) => b.subarray(int(r, b.length + 1)));
  },
  insertSpecial(r, t) {
    const at = int(r, t.length + 1);
    return t.slice(0, at) + pick(r, SPECIALS) + t.slice(at);
  },
  randomBytes(r, t) {
    return bytes(t, (b) => {
      const at = int(r, b.length + 1);
      const junk = Buffer.alloc(1 + int(r, 64));
      for (let i = 0; i < junk.length; i++) junk[i] = int(r, 256);
      return Buffer.concat([b.subarray(0, at), junk, b.subarray(Math.min(b.length, at + int(r, 32)))]);
    });
  },
  invalidUtf8(r, t) {
    return bytes(t, (b) => {
      const at = int(r, b.length + 1);
      return Buffer.concat([b.subarray(0, at), Buffer.from(pick(r, BAD_UTF8)), b.subarray(at)]);
    });
  },
  flipBits(r, t) {
    return bytes(t, (b) => {
      const c = Buffer.from(b);
      for (let k = 1 + int(r, 8); k > 0 && c.length; k--) c[int(r, c.length)] ^= 1 << int(r, 8);
      return c;
    });
  },
  splice(r, t, _toks, other) {
    return t.slice(0, int(r, t.length + 1)) + other.slice(int(r, other.length + 1));
  },
  repeatSlice(r, t) {
    const at = int(r, t.length + 1);
    const piece = t.slice(at, at + 1 + int(r, 200));
    return t.slice(0, at) + piece.repeat(2 + int(r, 30)) + t.slice(at + piece.length);
  },
  nest(r, t) {
    // deep nesting in an expression: parentheses, function calls, operators, subqueries, arrays
    const n = pick(r, [10, 100, 1000, 3000]);
    const open = pick(r, ['(', 'f(', '1 + (', '(SELECT ', 'NOT (', 'ARRAY[']);
    const close = open === 'ARRAY[' ? ']' : ')';
    return `${t}\nUPDATE t SET a = ${open.repeat(n)}1${close.repeat(n)};\n`;
  },
};

function bytes(text, f) {
  return decoder.decode(f(Buffer.from(text, 'utf8')));
}
const NAMES = Object.keys(MUTATIONS);

/** Input `i`: one to three mutations of a seed file (the same for a given seed and i). */
function input(i) {
  const r = prng((seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0);
  const base = seedFiles[int(r, seedFiles.length)];
  let text = base.text;
  const ops = [];
  for (let k = 1 + int(r, 3); k > 0; k--) {
    const name = pick(r, NAMES);
    text = MUTATIONS[name](r, text, tokensOf(text), pick(r, seedFiles).text);
    if (text.length > 400_000) text = text.slice(0, 400_000);
    ops.push(name);
  }
  return { text, ops, from: base.name };
}

// ---------------------------------------------------------------- checks
const REFERENCE_SQL = 'CREATE INDEX i ON t (c); ALTER TABLE t ADD COLUMN x int; SELECT 1 + 2;';
const reference = JSON.stringify(parseSql(REFERENCE_SQL));

function view(p) {
  return {
    statements: p.statements.map((s) => ({ kind: s.kind, start: s.start, end: s.end, text: s.text, node: s.node, error: s.error, children: s.children?.map((c) => [c.kind, c.start, c.end, c.inLoop]), dynamic: s.dynamicSql })),
    comments: p.comments,
    directives: p.directives,
    tokens: p.tokens,
  };
}

function check(text, i) {
  const problems = [];
  const parsed = parseFile('fuzz.sql', text);
  const n = parsed.source.text.length;
  let prevEnd = 0;
  for (const s of parsed.statements) {
    if (!(s.start >= 0 && s.start <= s.end && s.end <= n)) problems.push(`statement ${s.index} range [${s.start}, ${s.end}) outside the text (${n})`);
    if (s.start < prevEnd && s.kind !== 'SyntaxError') problems.push(`statement ${s.index} overlaps the one before`);
    prevEnd = Math.max(prevEnd, s.end);
    if (s.kind === 'SyntaxError' && !s.error?.message) problems.push(`syntax error ${s.index} without a message`);
  }
  for (const c of parsed.comments) if (!(c.start >= 0 && c.end <= n && c.start < c.end)) problems.push(`comment [${c.start}, ${c.end}) outside the text`);
  // the lazy fast path must give what scanning the whole file gives
  const full = parseFile('fuzz.sql', text, { fullScan: true });
  problems.push(...checkTokensBetween(text, full));
  const a = view(parsed);
  const b = view(full);
  for (const k of Object.keys(a)) if (!isDeepStrictEqual(a[k], b[k])) problems.push(`fast path and full scan differ in ${k}`);

  const result = lintSql(text, 'fuzz.sql', { preset: 'all' });
  const lines = parsed.source.lineStarts.length;
  for (const m of result.messages) {
    if (!(m.line >= 1 && m.line <= lines && m.column >= 1 && m.endLine >= m.line)) problems.push(`message ${m.ruleId} at ${m.line}:${m.column} outside the text`);
    if (m.fatal && m.ruleId !== 'syntax-error') problems.push(`fatal message from ${m.ruleId}`);
  }
  if (i % 4 === 0) {
    const outcome = fixText(text, (t) => ({ result: lintSql(t, 'fuzz.sql', { preset: 'all' }) }));
    if (typeof outcome.output !== 'string') problems.push('fix loop returned no text');
  }
  // PostgreSQL's parser must be intact after every input (a stack overflow inside it once corrupted it)
  if (JSON.stringify(parseSql(REFERENCE_SQL)) !== reference) problems.push('the parser gives a different tree for the reference statements afterwards');
  return problems;
}

/** The locations in a parse tree, in tree order. */
function locations(node, out = []) {
  if (Array.isArray(node)) for (const n of node) locations(n, out);
  else if (node !== null && typeof node === 'object') {
    if (typeof node.location === 'number' && node.location >= 0) out.push(node.location);
    for (const k in node) if (k !== 'location') locations(node[k], out);
  }
  return out;
}

/**
 * tokensBetween (scanning from a statement's start to a location of its parse tree only, as
 * ctx.findToken does with a bound) gives the whole file's tokens there: a location starts a token.
 */
function checkTokensBetween(text, full) {
  const problems = [];
  const fresh = parseFile('fuzz.sql', text); // nothing scanned yet
  if (!fresh.tokensBetween) return problems;
  for (const s of fresh.statements.slice(0, 5)) {
    if (s.kind === 'SyntaxError' || !s.node) continue;
    const all = locations(s.node);
    for (const loc of all.length <= 4 ? all : [all[0], all[all.length >> 2], all[all.length >> 1], all[all.length - 1]]) {
      const pos = s.locate(loc);
      if (pos <= s.start || pos > s.end) continue;
      const got = fresh.tokensBetween(s.start, pos).map((t) => [t.start, t.end, t.name, t.text]);
      const want = full.tokens.filter((t) => t.start >= s.start && t.start < pos).map((t) => [t.start, t.end, t.name, t.text]);
      if (!full.tokens.some((t) => t.start === pos)) problems.push(`location ${pos} does not start a token`);
      else if (!isDeepStrictEqual(got, want)) problems.push(`tokensBetween(${s.start}, ${pos}) differs from the full scan`);
    }
  }
  return problems;
}

/** A migration folder of three mutated files, linted as a project (roots, history, runner). */
async function checkProject(i) {
  const dir = mkdtempSync(join(tmpdir(), 'godwit-fuzz-project-'));
  try {
    const migrations = join(dir, 'db', 'migrations');
    mkdirSync(migrations, { recursive: true });
    mkdirSync(join(dir, '.git'));
    for (let k = 0; k < 3; k++) writeFileSync(join(migrations, `00${k + 1}_m.up.sql`), input(i * 3 + k + 1_000_000).text);
    const r = await lintProject([migrations], { cwd: dir, overrides: { preset: 'all' } });
    return r.results.length === 3 ? [] : [`lintProject returned ${r.results.length} results for 3 files`];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Warm-up, untimed: the first check in a worker loads the parsers (WASM, the MySQL grammar) and the project modules;
// the slow-input limit is about an input's own cost, not the worker's start-up.
check('SELECT 1;', -1);
check('ALTER TABLE t ADD COLUMN c INT, ALGORITHM=INPLACE, LOCK=NONE;', -1); // MySQL-only syntax: loads the MySQL grammar
if (projectEvery) await checkProject(-1);

for (let i = from; i < to; i++) {
  const { text, ops, from: source } = input(i);
  parentPort.postMessage({ type: 'start', i, text, ops, source });
  const t0 = performance.now();
  let problems;
  try {
    problems = check(text, i);
    if (projectEvery && i % projectEvery === 0) problems.push(...(await checkProject(i)));
  } catch (e) {
    problems = [`threw: ${e instanceof Error ? e.stack : String(e)}`];
  }
  const ms = performance.now() - t0;
  parentPort.postMessage(problems.length ? { type: 'fail', i, ms, ops, source, problems, text } : { type: 'done', i, ms });
}
parentPort.postMessage({ type: 'end' });
