/**
 * Packaging (issue 15, items 5 and 8): the package as npm packs it, installed into a fresh
 * CommonJS project (`"type": "commonjs"`, npm's default) from the tarball, with ESLint from the
 * registry; ESLint runs with the README's own configs (both forms) on a SQL migration and a JS
 * migration, and `godwit lint` runs from the installed bin. Also: no install-script warning, a
 * LICENSE, the README's links resolve, no test reads the corpus from a machine path.
 *
 * The tarball is packed from a staging copy with the prepack steps minus the build (dist/ is
 * built by `npm test`; rebuilding it here would race the other test files that run it).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; license: string; files: string[]; scripts: Record<string, string> };
const readme = readFileSync(join(root, 'README.md'), 'utf8');

function run(cmd: string, args: string[], cwd: string, timeout = 300_000) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** The README's ESLint config code block whose first line is `// <name>…`. */
function readmeBlock(name: string): string {
  const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
  const block = blocks.find((b) => b.startsWith(`// ${name}`));
  expect(block, `README has a \`// ${name}\` block`).toBeDefined();
  return block!;
}

let app: string;
let tarball: string;

beforeAll(() => {
  expect(existsSync(join(root, 'dist', 'src', 'eslint', 'index.js')), 'run `npm run build` first').toBe(true);
  const stage = mkdtempSync(join(tmpdir(), 'godwit-stage-'));
  for (const f of [...pkg.files, 'package.json', 'scripts/pack-manifest.mjs']) cpSync(join(root, f), join(stage, f), { recursive: true });
  expect(run(process.execPath, ['scripts/pack-manifest.mjs', 'strip'], stage).code).toBe(0);
  const out = mkdtempSync(join(tmpdir(), 'godwit-pack-'));
  const packed = run('npm', ['pack', '--ignore-scripts', '--pack-destination', out], stage);
  expect(packed.code, packed.out).toBe(0);
  tarball = join(out, readdirSync(out).find((f) => f.endsWith('.tgz'))!);

  app = mkdtempSync(join(tmpdir(), 'godwit-app-'));
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, type: 'commonjs' }, null, 2));
  mkdirSync(join(app, 'db', 'migrations'), { recursive: true });
  writeFileSync(join(app, 'db', 'migrations', '000001_users.up.sql'), 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n');
  writeFileSync(join(app, 'db', 'migrations', '000002_idx.up.sql'), 'CREATE INDEX users_email_idx ON users (email);\n');
  cpSync(join(root, 'fixtures', 'extract', 'knex'), join(app, 'migrations'), { recursive: true });
}, 600_000);

describe('the packed package in a fresh CommonJS project', () => {
  it('installs from the tarball without an install script of its own, with its LICENSE', () => {
    const r = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, 'eslint@^10'], app, 600_000);
    expect(r.code, r.out).toBe(0);
    // the only package npm warns about is tree-sitter-python (its native-addon script; godwit
    // uses only its .wasm: README, "Python parser"), never godwit itself
    const named = [...r.out.matchAll(/install-scripts\s+(\S+)@\S+ \(/g)].map((m) => m[1]);
    expect(named.filter((n) => n !== 'tree-sitter-python'), r.out).toEqual([]);
    const installed = JSON.parse(readFileSync(join(app, 'node_modules', 'godwit', 'package.json'), 'utf8'));
    expect(installed.scripts?.prepare).toBeUndefined();
    expect(readFileSync(join(app, 'node_modules', 'godwit', 'LICENSE'), 'utf8')).toContain('MIT License');
  }, 600_000);

  for (const [file, block] of [['eslint.config.mjs', 'eslint.config.mjs'], ['eslint.config.js', 'eslint.config.js (CommonJS)']] as const) {
    it(`ESLint with the README's ${block} finds the SQL and the JS migration's problems`, () => {
      for (const f of ['eslint.config.mjs', 'eslint.config.js']) if (existsSync(join(app, f))) writeFileSync(join(app, f), '');
      writeFileSync(join(app, file), readmeBlock(block));
      const other = file === 'eslint.config.mjs' ? 'eslint.config.js' : 'eslint.config.mjs';
      if (existsSync(join(app, other))) spawnSync('rm', [join(app, other)]);
      const r = run(process.execPath, [join(app, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--format', 'json', 'db', 'migrations'], app);
      expect(r.stderr).toBe('');
      const results = JSON.parse(r.stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string }> }>;
      const ids = (suffix: string) => results.find((x) => x.filePath.endsWith(suffix))!.messages.map((m) => m.ruleId);
      expect(ids('000002_idx.up.sql')).toContain('godwit/require-concurrent-index');
      expect(ids('20240102000000_add_email_index.js')).toContain('godwit/require-concurrent-index');
    }, 120_000);
  }

  it('`npx godwit lint` runs from the installed bin', () => {
    const r = run('npx', ['--no-install', 'godwit', 'lint', 'db/migrations', '-f', 'json'], app);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('require-concurrent-index');
  }, 120_000);
});

describe('packaging', () => {
  it('LICENSE matches package.json, tarballs are ignored, the published manifest drops `prepare`', () => {
    expect(pkg.license).toBe('MIT');
    expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    expect(pkg.files).toContain('LICENSE');
    expect(readFileSync(join(root, '.gitignore'), 'utf8').split('\n')).toContain('godwit-*.tgz');
    expect(pkg.scripts.prepare).toBe('npm run build'); // a clone's `npm install` builds dist/
    expect(pkg.scripts.prepack).toBe('npm run build && node scripts/pack-manifest.mjs strip');
    expect(pkg.scripts.postpack).toBe('node scripts/pack-manifest.mjs restore');
  });

  it("the README's and docs' relative links point at files that exist", () => {
    const docs = [join(root, 'README.md'), ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join(root, 'docs', f))];
    const broken: string[] = [];
    for (const doc of docs) {
      const text = readFileSync(doc, 'utf8');
      for (const m of text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
        const target = m[1];
        if (/^[a-z]+:/.test(target)) continue;
        if (!existsSync(resolve(doc, '..', target))) broken.push(`${doc.slice(root.length + 1)} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('no test reads the corpus from a machine path (../shared relative to the checkout)', () => {
    const offenders = readdirSync(join(root, 'test'))
      .filter((f) => f.endsWith('.ts'))
      .filter((f) => /['"`]\/work\//.test(readFileSync(join(root, 'test', f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
