#!/usr/bin/env node
/**
 * How the Python parser was chosen (README, "Decisions": Python parser). Measures each candidate
 * that can be imported on the Python corpus (../shared/corpus-orm: CTFd, redash, healthchecks)
 * and on a battery of modern syntax: files and statements parsed without error, whether string
 * literal nodes sit at exact UTF-16 offsets and line/column (non-BMP characters, CRLF), cold load
 * and per-file time, and prints a table.
 *
 *   npm install --no-save @lezer/python py-ast     # the candidates that are not dependencies
 *   node bench/python-parsers.mjs
 *
 * web-tree-sitter + tree-sitter-python (the choice) are dependencies. Timings are noisy on a
 * shared machine: run it a few times.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const corpus = resolve(here, '..', '..', 'shared', 'corpus-orm');
const require = createRequire(import.meta.url);

const BATTERY = {
  posonly_lambda: 'f = lambda x, /, y: x\n',
  decorator_expr: '@a.b[1](c)\ndef f():\n    pass\n',
  with_parens: 'with (open(a) as f, open(b) as g):\n    pass\n',
  match: 'match x:\n    case {"a": 1, **r}:\n        pass\n    case [1, *rest] if rest:\n        pass\n    case _:\n        pass\n',
  fstring_312: 'x = f"{d["k"]}" + f"{f"{a!r}"}"\n',
  generics_312: 'type X = list[int]\ndef f[T: int](x: T) -> T:\n    return x\n',
  except_star: 'try:\n    pass\nexcept* E:\n    pass\n',
  tstring_314: 'x = t"hi {a}"\n',
  walrus: 'if (n := 1):\n    pass\n',
  crlf: 'x = 1\r\nif x:\r\n    y = "é😀"\r\n',
};

/** A string literal token: prefix, quote, …, the same quote. */
const LITERAL = /^[rRbBuUfFtT]{0,2}("""|'''|"|')[\s\S]*\1$/;

function lineCol(text, off) {
  let line = 1;
  let start = 0;
  for (let i = 0; i < off; i++) if (text[i] === '\n') (line++, (start = i + 1));
  return { line, column: off - start + 1 };
}

const CANDIDATES = {
  async 'web-tree-sitter + tree-sitter-python'() {
    const { Parser, Language } = await import('web-tree-sitter');
    await Parser.init();
    const lang = await Language.load(new Uint8Array(readFileSync(require.resolve('tree-sitter-python/tree-sitter-python.wasm'))));
    const p = new Parser();
    p.setLanguage(lang);
    return {
      packages: ['web-tree-sitter', 'tree-sitter-python', 'node-addon-api', 'node-gyp-build'],
      check(text) {
        const tree = p.parse(text);
        const r = { errors: 0, statements: 0, strings: 0, badOffset: 0, badLine: 0 };
        const c = tree.walk();
        const visit = () => {
          const n = c.currentNode;
          if (/_statement$|_definition$/.test(n.type)) r.statements++;
          if (n.type === 'ERROR' || n.isMissing) r.errors++;
          if (n.type === 'string') {
            r.strings++;
            const s = text.slice(n.startIndex, n.endIndex);
            if (!LITERAL.test(s) || s !== n.text) r.badOffset++;
            const lc = lineCol(text, n.startIndex);
            if (lc.line !== n.startPosition.row + 1 || lc.column !== n.startPosition.column + 1) r.badLine++;
          }
          if (c.gotoFirstChild()) {
            do visit();
            while (c.gotoNextSibling());
            c.gotoParent();
          }
        };
        visit();
        c.delete();
        tree.delete();
        return r;
      },
    };
  },
  async '@lezer/python'() {
    const { parser } = await import('@lezer/python');
    return {
      packages: ['@lezer/python', '@lezer/lr', '@lezer/common', '@lezer/highlight'],
      check(text) {
        const r = { errors: 0, statements: 0, strings: 0, badOffset: 0, badLine: 0 };
        parser.parse(text).iterate({
          enter(n) {
            if (/Statement$|Definition$/.test(n.name)) r.statements++;
            if (n.type.isError) r.errors++;
            if (n.name === 'String' || n.name === 'FormatString') {
              r.strings++;
              if (!LITERAL.test(text.slice(n.from, n.to))) r.badOffset++;
            }
          },
        });
        return r;
      },
    };
  },
  async 'py-ast'() {
    const { parse } = await import('py-ast');
    return {
      packages: ['py-ast'],
      check(text) {
        try {
          parse(text);
          return { errors: 0, statements: NaN, strings: NaN, badOffset: NaN, badLine: NaN };
        } catch {
          return { errors: 1, statements: NaN, strings: NaN, badOffset: NaN, badLine: NaN };
        }
      },
    };
  },
};

function pyFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.py')) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

function du(pkgs) {
  let kb = 0;
  for (const p of pkgs) {
    try {
      const dir = join(here, '..', 'node_modules', p);
      statSync(dir);
      kb += Number(spawnSync('du', ['-sk', dir], { encoding: 'utf8' }).stdout.split('\t')[0]);
    } catch {
      // not installed
    }
  }
  return (kb / 1024).toFixed(1);
}

if (process.argv[2] === '--cold') {
  const t0 = performance.now();
  const c = await CANDIDATES[process.argv[3]]();
  c.check('from alembic import op\n\ndef upgrade():\n    op.create_index("ix", "t", ["a"])\n');
  console.log((performance.now() - t0).toFixed(1));
  process.exit(0);
}

const files = pyFiles(corpus);
const texts = files.map((f) => readFileSync(f, 'utf8'));
console.log(`Python corpus: ${files.length} files, ${texts.reduce((n, t) => n + t.length, 0)} characters; battery: ${Object.keys(BATTERY).length} snippets\n`);
console.log('| parser | corpus files with an error | statements | string literals at exact offsets / line:col | modern syntax failing | cold load + first parse (median of 5) | per corpus file | install size |');
console.log('|---|---|---|---|---|---|---|---|');
for (const [name, load] of Object.entries(CANDIDATES)) {
  let c;
  try {
    c = await load();
  } catch {
    console.log(`| ${name} | not installed |  |  |  |  |  |  |`);
    continue;
  }
  let errFiles = 0;
  const total = { statements: 0, strings: 0, badOffset: 0, badLine: 0 };
  for (const t of texts) {
    const r = c.check(t);
    if (r.errors) errFiles++;
    for (const k of Object.keys(total)) total[k] += r[k];
  }
  const failing = Object.entries(BATTERY).filter(([, src]) => c.check(src).errors > 0).map(([k]) => k);
  const rounds = 5;
  const t1 = performance.now();
  for (let k = 0; k < rounds; k++) for (const t of texts) c.check(t);
  const per = (performance.now() - t1) / rounds / texts.length;
  const colds = [];
  for (let k = 0; k < 5; k++) colds.push(Number(spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--cold', name], { encoding: 'utf8' }).stdout.trim()));
  colds.sort((a, b) => a - b);
  const exact = Number.isNaN(total.strings) ? 'no token positions' : `${total.strings - total.badOffset} / ${total.strings}${name.startsWith('web') ? ` · ${total.strings - total.badLine} / ${total.strings}` : ''}`;
  console.log(`| ${name} | ${errFiles} / ${files.length} | ${Number.isNaN(total.statements) ? '—' : total.statements} | ${exact} | ${failing.length ? failing.join(', ') : 'none'} | ${colds[2]} ms | ${per.toFixed(2)} ms | ${du(c.packages)} MB |`);
}
