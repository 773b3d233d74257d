// Writes docs/rules/<id>.md and docs/rules/README.md from the rules' own docs fields (the
// same text `godwit rules <id>` and the SARIF rule metadata show). Runs after tsc: it imports
// the compiled rules and renderer from dist/. Each page's "godwit reports" block and lock come
// from linting the rule's own bad example.
//
//   node scripts/gen-rule-docs.mjs           write the pages that changed, delete pages of removed rules
//   node scripts/gen-rule-docs.mjs --check   exit 1 if any page is out of date (writes nothing)
import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => pathToFileURL(join(root, 'dist', 'src', p)).href;
const { generateRuleDocs, GENERATED_MARK } = await import(dist('report/rule-docs.js'));
const { rules, lintSql, initParser } = await import(dist('lint.js'));

await initParser();
const pages = generateRuleDocs(rules, lintSql);
const dir = join(root, 'docs', 'rules');
const check = process.argv.includes('--check');
const stale = [];

if (!check) mkdirSync(dir, { recursive: true });
for (const [name, content] of pages) {
  const target = join(dir, name);
  if (existsSync(target) && readFileSync(target, 'utf8') === content) continue;
  stale.push(name);
  if (!check) writeFileSync(target, content);
}
// pages of rules that no longer exist (only files this script wrote)
if (existsSync(dir)) {
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.md') || pages.has(name)) continue;
    const target = join(dir, name);
    if (!readFileSync(target, 'utf8').startsWith(GENERATED_MARK)) continue;
    stale.push(name);
    if (!check) unlinkSync(target);
  }
}
if (check && stale.length) {
  console.error(`docs/rules is out of date (${stale.join(', ')}): run npm run build`);
  process.exit(1);
}
