// Measures MySQL parser candidates on every MySQL statement of the corpus (ory/kratos: the
// pop `*.mysql.{up,down}.sql` files; openfga: assets/migrations/mysql) plus the ALTER forms of
// the online-DDL matrix (src/dialects/mysql/matrix.ts): statements accepted, ALGORITHM=/LOCK=
// clauses kept in the tree, source positions, speed, install size. The README's decision
// ("Decisions the design left open", MySQL parser) quotes its output.
//
// The candidates are not dependencies of godwit: install them into a scratch folder and point
// the script at it (node_modules of that folder), after `npm run build`:
//
//   mkdir -p /tmp/parsers && (cd /tmp/parsers && npm init -y && npm install node-sql-parser \
//     @guanmingchiu/sqlparser-ts sql-parser-cst dt-sql-parser ts-mysql-parser antlr4ts@0.5.0-alpha.4)
//   node --import ./bench/dir-import-hook.mjs bench/mysql-parsers.mjs /tmp/parsers
//
// (dt-sql-parser's ESM build imports directories, which Node refuses without a bundler: the hook
// resolves them as a bundler would. ts-mysql-parser needs antlr4ts 0.5.0-alpha.4: the version
// its range resolves to today, 0.5.0-dev, fails to load.)
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..');
const prefix = resolve(process.argv[2] ?? '/tmp/parsers');
const req = createRequire(join(prefix, 'package.json'));
const { splitMysql, parseTextOf } = await import(pathToFileURL(join(repo, 'dist/src/dialects/mysql/split.js')).href);
const { MATRIX_PROBES } = await import(pathToFileURL(join(repo, 'dist/src/dialects/mysql/probes.js')).href);
const corpus = resolve(repo, '..', 'shared', 'corpus');

// ── statements ─────────────────────────────────────────────────────────────────────────────
const files = [];
const kd = join(corpus, 'ory+kratos/persistence/sql/migrations/sql');
const od = join(corpus, 'openfga+openfga/assets/migrations/mysql');
if (existsSync(kd)) for (const f of readdirSync(kd).sort()) if (f.includes('.mysql.')) files.push(join(kd, f));
if (existsSync(od)) for (const f of readdirSync(od).sort()) files.push(join(od, f));
const statements = [];
for (const f of files) {
  const text = readFileSync(f, 'utf8');
  for (const s of splitMysql(text).statements) statements.push({ source: 'corpus', text: parseTextOf(text, s), tokens: s.tokens.map((t) => ({ ...t, start: t.start - s.start, end: t.end - s.start })) });
}
const corpusCount = statements.length;
for (const p of MATRIX_PROBES) {
  const s = splitMysql(p.sql).statements[0];
  statements.push({ source: 'matrix', text: parseTextOf(p.sql, s), tokens: s.tokens.map((t) => ({ ...t })) });
}

/** the ALGORITHM= / LOCK= clauses a statement holds (found with godwit's MySQL tokenizer) */
function clausesOf(st) {
  const out = [];
  const t = st.tokens;
  for (let i = 0; i < t.length; i++) {
    const w = t[i].type === 'word' ? t[i].text.toUpperCase() : '';
    if ((w === 'ALGORITHM' || w === 'LOCK') && (t[i - 1]?.text === ',' || t[i - 1]?.type === 'word' || t[i - 1]?.text === ')')) {
      const v = t[i + 1]?.text === '=' ? t[i + 2] : t[i + 1];
      if (v && v.type === 'word') out.push({ name: w, value: v.text.toUpperCase() });
    }
  }
  return out;
}

/** the ALTER TABLE operations of a statement: [start, end) offsets of each top-level comma-separated part after the table name */
function alterParts(st) {
  const t = st.tokens;
  if (t[0]?.text.toUpperCase() !== 'ALTER') return [];
  let i = t.findIndex((x) => x.text.toUpperCase() === 'TABLE');
  if (i < 0) return [];
  i += 2;
  while (t[i]?.text === '.') i += 2;
  const parts = [];
  let depth = 0;
  let start = t[i]?.start;
  for (; i < t.length; i++) {
    if (t[i].text === '(') depth++;
    else if (t[i].text === ')') depth--;
    else if (t[i].text === ',' && depth === 0) {
      parts.push(start);
      start = t[i + 1]?.start;
    }
  }
  if (start !== undefined) parts.push(start);
  return parts;
}

// ── candidates ─────────────────────────────────────────────────────────────────────────────
function lineColToOffset(text, line, column) {
  let off = 0;
  for (let l = 1; l < line; l++) off = text.indexOf('\n', off) + 1;
  // sqlparser-rs counts columns in characters
  return off + column - 1;
}

function walkJson(node, fn) {
  if (Array.isArray(node)) for (const n of node) walkJson(n, fn);
  else if (node && typeof node === 'object') {
    fn(node);
    for (const k in node) walkJson(node[k], fn);
  }
}

function antlrWalk(node, fn) {
  fn(node);
  // antlr4ts: childCount/getChild; antlr4ng: children
  const kids = Array.isArray(node.children) ? node.children : Array.from({ length: node.childCount ?? 0 }, (_, i) => node.getChild(i));
  for (const k of kids) antlrWalk(k, fn);
}

const candidates = [];

candidates.push({
  name: 'node-sql-parser',
  pkg: 'node-sql-parser',
  load() {
    // the MySQL grammar alone (the package also ships 14 other dialects' builds)
    const { Parser } = req('node-sql-parser/build/mysql');
    const p = new Parser();
    return (sql) => p.astify(sql, { database: 'MySQL', parseOptions: { includeLocations: true } });
  },
  clauses(ast) {
    const s = JSON.stringify(ast);
    const out = new Set();
    if (/"resource":"algorithm"|"algorithm_option":\{/.test(s)) out.add('ALGORITHM');
    if (/"resource":"lock"|"lock_option":\{/.test(s)) out.add('LOCK');
    return out;
  },
  positions(ast, text, st) {
    const a = Array.isArray(ast) ? ast[0] : ast;
    const ops = a?.type === 'alter' ? a.expr ?? [] : [];
    // only column references carry a location
    const located = ops.filter((o) => o.column?.loc || o.old_column?.loc).length;
    return { table: false, statement: false, ops: [located, ops.length] };
  },
});

candidates.push({
  name: '@guanmingchiu/sqlparser-ts (sqlparser-rs 0.62, WASM)',
  pkg: '@guanmingchiu/sqlparser-ts',
  async loadAsync() {
    const m = await import(pathToFileURL(req.resolve('@guanmingchiu/sqlparser-ts')).href);
    await m.init();
    return (sql) => m.parse(sql, 'mysql');
  },
  clauses(ast) {
    const s = JSON.stringify(ast);
    const out = new Set();
    if (s.includes('"Algorithm":')) out.add('ALGORITHM');
    if (/"Lock":\{"equals"/.test(s)) out.add('LOCK');
    return out;
  },
  positions(ast, text) {
    const a = ast[0]?.AlterTable;
    let table = false;
    const id = a?.name?.[0]?.Identifier;
    if (id?.span) {
      const off = lineColToOffset(text, id.span.start.line, id.span.start.column);
      table = text.slice(off, off + id.value.length + (id.quote_style ? 2 : 0)).includes(id.value);
    }
    const ops = a?.operations ?? [];
    let located = 0;
    for (const o of ops) {
      let has = false;
      walkJson(o, (n) => { if (n.span) has = true; });
      if (has) located++;
    }
    return { table, statement: false, ops: [located, ops.length] };
  },
});

candidates.push({
  name: 'sql-parser-cst',
  pkg: 'sql-parser-cst',
  load() {
    const { parse } = req('sql-parser-cst');
    return (sql) => parse(sql, { dialect: 'mysql', includeRange: true });
  },
  clauses(ast) {
    const out = new Set();
    walkJson(ast, (n) => {
      if (n.type === 'keyword' && (n.name === 'ALGORITHM' || n.name === 'LOCK')) out.add(n.name);
    });
    return out;
  },
  positions(ast, text) {
    const s = ast.statements?.[0];
    const table = !!s?.table?.range;
    const items = s?.actions?.items ?? [];
    return { table, statement: !!s?.range, ops: [items.filter((i) => i.range).length, items.length] };
  },
});

function antlrCandidate(name, pkg, make) {
  return {
    name,
    pkg,
    ...make,
    clauses(tree) {
      const out = new Set();
      antlrWalk(tree, (n) => {
        const c = n.constructor?.name ?? '';
        // ts-mysql-parser: AlterAlgorithmOption/AlterLockOption; dt-sql-parser: AlterBySetAlgorithm/AlterByLock
        if (/Algorithm(Option)?Context$/.test(c)) out.add('ALGORITHM');
        if (/(LockOption|AlterByLock)Context$/.test(c)) out.add('LOCK');
      });
      return out;
    },
    positions(tree, text, st) {
      let table = false;
      let ops = 0;
      const parts = alterParts(st);
      const starts = new Set();
      antlrWalk(tree, (n) => {
        const c = n.constructor?.name ?? '';
        if (!table && /^(TableRef|TableName)Context$/.test(c)) table = text.slice(n.start.startIndex ?? n.start.start, (n.stop.stopIndex ?? n.stop.stop) + 1).length > 0;
        if (n.start && /AlterListItem|AlterCommandsModifier|AlterBy|CreateTableOption|TableOption/i.test(c)) starts.add(n.start.startIndex ?? n.start.start);
      });
      for (const p of parts) if (starts.has(p)) ops++;
      return { table, statement: true, ops: [ops, parts.length] };
    },
  };
}

candidates.push(
  antlrCandidate('ts-mysql-parser (MySQL Workbench grammar, antlr4ts)', 'ts-mysql-parser', {
    load() {
      const MySQLParser = req('ts-mysql-parser').default;
      const p = new MySQLParser({ version: '8.0.30' });
      return (sql) => {
        const r = p.parse(sql);
        if (r.parserError || r.lexerError) throw new Error((r.parserError ?? r.lexerError).message);
        return r.tree;
      };
    },
  }),
);

candidates.push(
  antlrCandidate('dt-sql-parser (MySQL grammar, antlr4ng)', 'dt-sql-parser', {
    async loadAsync() {
      const m = await import(pathToFileURL(req.resolve('dt-sql-parser')).href);
      const p = new m.MySQL();
      return (sql) => {
        const errs = p.validate(sql);
        if (errs.length) throw new Error(errs[0].message);
        return p.parse(sql);
      };
    },
  }),
);

// ── run ────────────────────────────────────────────────────────────────────────────────────
function installSize(pkg) {
  // the package and its own dependencies (npm ls), in MB
  let dirs = [join(prefix, 'node_modules', pkg)];
  try {
    const tree = JSON.parse(execFileSync('npm', ['ls', pkg, '--all', '--json', '--prefix', prefix], { encoding: 'utf8' }));
    const deps = new Set();
    const visit = (n) => { for (const [k, v] of Object.entries(n.dependencies ?? {})) { deps.add(k); visit(v); } };
    visit(tree.dependencies?.[pkg] ?? {});
    dirs = dirs.concat([...deps].map((d) => join(prefix, 'node_modules', d)).filter(existsSync));
  } catch {}
  const out = execFileSync('du', ['-sck', ...dirs], { encoding: 'utf8' });
  return Number(/(\d+)\s+total/.exec(out)[1]) / 1024;
}

const rows = [];
for (const c of candidates) {
  const t0 = performance.now();
  let parse;
  try {
    parse = c.loadAsync ? await c.loadAsync() : c.load();
  } catch (e) {
    rows.push({ name: c.name, error: `does not load: ${e.message.split('\n')[0]}` });
    continue;
  }
  const loadMs = performance.now() - t0;
  const results = [];
  const tFirst = performance.now();
  for (const st of statements) {
    try {
      results.push({ ok: true, ast: parse(st.text) });
    } catch (e) {
      results.push({ ok: false, message: String(e.message).split('\n')[0] });
    }
  }
  const firstMs = performance.now() - tFirst;
  // warm runs
  const runs = [];
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    for (const st of statements) {
      try { parse(st.text); } catch {}
    }
    runs.push(performance.now() - t);
  }
  runs.sort((a, b) => a - b);
  let acceptedCorpus = 0;
  let acceptedMatrix = 0;
  let clausesWanted = 0;
  let clausesKept = 0;
  let tables = 0;
  let alterStmts = 0;
  let opsLocated = 0;
  let opsTotal = 0;
  const rejected = [];
  statements.forEach((st, i) => {
    const r = results[i];
    if (!r.ok) {
      if (rejected.length < 400) rejected.push({ source: st.source, sql: st.text.replace(/\s+/g, ' ').slice(0, 110), message: r.message.slice(0, 100) });
      return;
    }
    if (st.source === 'corpus') acceptedCorpus++;
    else acceptedMatrix++;
    const wanted = clausesOf(st);
    if (wanted.length) {
      const kept = c.clauses(r.ast);
      for (const w of wanted) {
        clausesWanted++;
        if (kept.has(w.name)) clausesKept++;
      }
    }
    if (/^\s*ALTER\s+TABLE/i.test(st.text)) {
      alterStmts++;
      const p = c.positions(r.ast, st.text, st);
      if (p.table) tables++;
      opsLocated += p.ops[0];
      opsTotal += p.ops[1];
    }
  });
  // clauses in statements the parser rejected count as lost
  statements.forEach((st, i) => {
    if (!results[i].ok) clausesWanted += clausesOf(st).length;
  });
  rows.push({
    name: c.name,
    acceptedCorpus,
    acceptedMatrix,
    clausesKept,
    clausesWanted,
    tables,
    alterStmts,
    opsLocated,
    opsTotal,
    loadMs,
    firstMs,
    warmMs: runs[1],
    sizeMb: installSize(c.pkg),
    rejected,
  });
}

const matrixCount = statements.length - corpusCount;
console.log(`${files.length} corpus files, ${corpusCount} statements; ${matrixCount} matrix statements (src/dialects/mysql/probes.ts)\n`);
console.log('| parser | corpus statements accepted | matrix ALTERs accepted | ALGORITHM=/LOCK= kept | ALTER table name located | ALTER operations located | load | first pass | warm pass | install size |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  if (r.error) {
    console.log(`| ${r.name} | ${r.error} |||||||||`);
    continue;
  }
  const pct = (a, b) => `${a}/${b} (${b ? ((100 * a) / b).toFixed(1) : '0'}%)`;
  console.log(
    `| ${r.name} | ${pct(r.acceptedCorpus, corpusCount)} | ${pct(r.acceptedMatrix, matrixCount)} | ${pct(r.clausesKept, r.clausesWanted)} | ${pct(r.tables, r.alterStmts)} | ${pct(r.opsLocated, r.opsTotal)} | ${r.loadMs.toFixed(0)} ms | ${r.firstMs.toFixed(0)} ms | ${r.warmMs.toFixed(0)} ms | ${r.sizeMb.toFixed(1)} MB |`,
  );
}
if (process.env.SHOW_REJECTED) {
  for (const r of rows) {
    if (!r.rejected) continue;
    console.log(`\n## ${r.name}: rejected`);
    const by = new Map();
    for (const x of r.rejected) by.set(x.message.slice(0, 60), [...(by.get(x.message.slice(0, 60)) ?? []), x]);
    for (const [m, xs] of [...by].sort((a, b) => b[1].length - a[1].length).slice(0, 15)) console.log(`${xs.length}× ${m}\n    e.g. [${xs[0].source}] ${xs[0].sql}`);
  }
}
