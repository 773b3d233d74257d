/**
 * docs/plans.md shows the real output of `godwit plan` on fixtures/plan/example; this keeps it
 * so. GODWIT_UPDATE_DOCS=1 rewrites the blocks between the markers.
 */
import { describe, it, expect } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runMain } from './plan-helpers.js';

const repo = resolve(import.meta.dirname, '..');
const docs = join(repo, 'docs', 'plans.md');
const example = join(repo, 'fixtures', 'plan', 'example');
const file = 'db/migrations/000002_rename_email.up.sql';

async function godwit(args: string[], cwd: string): Promise<string> {
  const r = await runMain(args, cwd);
  if (r.code !== 0) throw new Error(`godwit ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

function block(name: string, lang: string, body: string): string {
  return `<!-- ${name}:start -->\n\`\`\`${lang}\n${lang === 'sql' ? '-- ' : ''}$ ${body.split('\n')[0]}\n${body.split('\n').slice(1).join('\n').replace(/\n+$/, '')}\n\`\`\`\n<!-- ${name}:end -->`;
}

describe('docs/plans.md', () => {
  it('shows the real output of godwit plan on the rename example', async () => {
    const printed = await godwit(['plan', file], example);
    const pgroll = await godwit(['plan', file, '--emit', 'pgroll'], example);
    const dir = mkdtempSync(join(tmpdir(), 'godwit-plan-docs-'));
    cpSync(example, dir, { recursive: true });
    const summary = await godwit(['plan', file, '--out', 'db/migrations'], dir);
    const blocks: Record<string, string> = {
      'plan-example': block('plan-example', 'sql', `godwit plan ${file}\n${printed}`),
      'plan-summary': block('plan-summary', 'text', `godwit plan ${file} --out db/migrations\n${summary}`),
      'plan-pgroll': block('plan-pgroll', 'json', `godwit plan ${file} --emit pgroll\n${pgroll}`),
    };
    let text = readFileSync(docs, 'utf8');
    for (const [name, want] of Object.entries(blocks)) {
      const re = new RegExp(`<!-- ${name}:start -->[\\s\\S]*?<!-- ${name}:end -->`);
      expect(text).toMatch(re);
      if (process.env.GODWIT_UPDATE_DOCS) text = text.replace(re, () => want);
      else expect(re.exec(text)![0], `${name}: run GODWIT_UPDATE_DOCS=1 npx vitest run test/plan-docs.test.ts`).toBe(want);
    }
    if (process.env.GODWIT_UPDATE_DOCS) writeFileSync(docs, text);
  });
});
