/**
 * The README and docs show real output: the blocks are compared with what godwit prints today
 * (stylish, a terminal 100 columns wide). After changing a message, regenerate them from the
 * output this test prints on failure.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { main, type Io } from '../src/cli/main.js';

const root = resolve(import.meta.dirname, '..');

async function stylish(args: string[], cwd: string): Promise<string> {
  let out = '';
  const stdout = Object.assign(new PassThrough(), { isTTY: true, columns: 100, write: (s: string) => ((out += s), true) });
  const io: Io = { stdout: stdout as unknown as Io['stdout'], stderr: Object.assign(new PassThrough(), { write: () => true }) as unknown as Io['stderr'], stdin: new PassThrough(), cwd, env: { NO_COLOR: '1' } };
  await main(args, io);
  return out;
}

/** The text of the fenced block that starts with `first` in a markdown file. */
function block(file: string, first: string): string {
  const text = readFileSync(join(root, file), 'utf8');
  const i = text.indexOf('```\n' + first);
  expect(i, `${file} has a block starting ${first}`).toBeGreaterThan(-1);
  const start = i + 4 + first.length;
  return text.slice(start, text.indexOf('```\n', start));
}

describe('documented output is real output', () => {
  it('README: What it looks like (fixtures/readme)', async () => {
    expect(block('README.md', '$ npx godwit lint db/migrations\n')).toBe(await stylish(['lint', 'db/migrations'], join(root, 'fixtures', 'readme')));
  });

  it('docs/js-migrations.md: the TypeORM example (fixtures/extract/typeorm, paths shortened)', async () => {
    const out = await stylish(['lint', 'fixtures/extract/typeorm/1700000000001-AddEmailIndex.ts', 'fixtures/extract/typeorm/1700000000003-ConcurrentInTransaction.ts'], root);
    expect(block('docs/js-migrations.md', '$ npx godwit lint src/migration\n')).toBe(out.split('fixtures/extract/typeorm/').join('src/migration/'));
  });
});
