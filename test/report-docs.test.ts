/** docs/rules/*.md are generated from the rules' docs fields and committed: they must be up to date. */
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initParser } from '../src/dialects/postgresql/pg.js';
import { lintSql, rules } from '../src/lint.js';
import { docBlocks, generateRuleDocs, GENERATED_MARK } from '../src/report/rule-docs.js';
import { root } from './report-helpers.js';

const dir = join(root, 'docs', 'rules');

beforeAll(() => initParser());

describe('generated rule docs', () => {
  it('docs/rules/ matches the rules (run `npm run build` and commit docs/rules after changing a rule)', () => {
    const pages = generateRuleDocs(rules, lintSql);
    expect(pages.size).toBe(rules.length + 1);
    for (const [name, content] of pages) {
      const file = join(dir, name);
      expect(existsSync(file), `docs/rules/${name} is missing`).toBe(true);
      expect(readFileSync(file, 'utf8'), `docs/rules/${name} is out of date`).toBe(content);
    }
    const generated = readdirSync(dir).filter((f) => f.endsWith('.md') && readFileSync(join(dir, f), 'utf8').startsWith(GENERATED_MARK));
    expect(generated.sort()).toEqual([...pages.keys()].sort());
  });

  it('has the sections of a rule page, with the lock of the example', () => {
    const page = readFileSync(join(dir, 'require-concurrent-index.md'), 'utf8');
    for (const h of ['# `require-concurrent-index`', '## What it does', '## Why it matters', '## Safe alternative', '## Example', '## Configuration']) expect(page).toContain(h);
    expect(page).toContain('**Lock** (on the example below): `SHARE` on `orders` · blocks writes, ddl · long.');
    expect(page).toContain('| `recommended` (on by default) | error | Locks and rewrites | yes: `godwit lint --fix` |');
    expect(page).toContain('```sql\nCREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_idx ON orders (customer_id);\n```');
    const index = readFileSync(join(dir, 'README.md'), 'utf8');
    for (const r of rules) expect(index).toContain(`[\`${r.id}\`](${r.id}.md)`);
  });

  it('turns the SQL paragraphs of a fix text into code blocks, by parsing them', () => {
    expect(docBlocks('Do this instead:\n\nCREATE INDEX CONCURRENTLY i ON t (a);\n\nThen check it.')).toEqual([
      { kind: 'prose', text: 'Do this instead:' },
      { kind: 'sql', text: 'CREATE INDEX CONCURRENTLY i ON t (a);' },
      { kind: 'prose', text: 'Then check it.' },
    ]);
    expect(docBlocks('Later, without a rewrite:\nALTER TABLE t VALIDATE CONSTRAINT c;')).toEqual([
      { kind: 'prose', text: 'Later, without a rewrite:' },
      { kind: 'sql', text: 'ALTER TABLE t VALIDATE CONSTRAINT c;' },
    ]);
    expect(docBlocks('-- instead\n$ pg_repack --table=t db')).toEqual([{ kind: 'code', text: '-- instead\n$ pg_repack --table=t db' }]);
  });
});
