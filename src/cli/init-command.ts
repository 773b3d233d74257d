/**
 * `godwit init [dir]`: write a `godwit.config.json` for the project in `dir` (default: the
 * current directory) and, with `--hook`, install a pre-commit hook. Never interactive: what
 * it does is decided by flags only, so it runs the same in CI and in a terminal.
 *
 *   --runner <name>       the runner to record (default: detected from the migrations found)
 *   --pg-version <major>  the PostgreSQL version to record (default 15)
 *   --force               replace an existing godwit.config.json
 *   --hook pre-commit     add a `repo: local` godwit hook to .pre-commit-config.yaml
 *   --hook lint-staged    add a godwit entry to package.json's lint-staged config
 *   --hook husky          add a godwit line to .husky/pre-commit
 *
 * The config's `include` lists the migration folders found (so `godwit lint .` and the ESLint
 * plugin skip seed data and query files), and the hooks match exactly the migrations found:
 * their folders and their files' extensions (SQL, JS/TS, Python), from MIGRATION_EXTENSIONS and
 * the files themselves; with no migrations found, every `*.sql` file.
 *
 * Exit 0 when done; 2 (nothing written) when a config exists without --force, or a hook
 * cannot be added safely (the snippet to add by hand is printed instead).
 */
import { chmodSync, existsSync, readFileSync, statSync, mkdirSync } from 'node:fs';
import { OutputExistsError, WriteError, writeNewFiles, writeOutput } from '../io/write.js';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import * as jsonc from 'jsonc-parser';
import { findRoots } from '../sources/index.js';
import { CONFIG_FILE_NAMES, PACKAGE_JSON_KEY } from '../config/load.js';
import { CONFIG_RUNNERS } from '../config/schema.js';
import type { GodwitConfig } from '../config/index.js';
import { UsageError, type Io } from './main.js';
import { packageInfo } from '../report/common.js';

type Values = Record<string, string | boolean | string[] | undefined>;

export const HOOKS = ['pre-commit', 'lint-staged', 'husky'] as const;
export type HookKind = (typeof HOOKS)[number];

const CONFIG_NAME = 'godwit.config.json';
const SCHEMA_IN_PACKAGE = 'node_modules/godwit/schema/godwit.config.schema.json';
const DEFAULT_PG_VERSION = 15;

/**
 * The extensions of each runner's migration files, for the hooks' file patterns (a root's own
 * files add theirs, e.g. `.sql.postgres`). Python runners are listed for when godwit detects
 * their migrations: their roots get `*.py` patterns like any other.
 */
export const MIGRATION_EXTENSIONS: Readonly<Record<string, readonly string[]>> = {
  plain: ['sql'],
  prisma: ['sql'],
  drizzle: ['sql'],
  'golang-migrate': ['sql'],
  flyway: ['sql'],
  goose: ['sql'],
  dbmate: ['sql'],
  atlas: ['sql'],
  diesel: ['sql'],
  'node-pg-migrate': ['sql', 'js', 'cjs', 'mjs', 'ts'],
  knex: ['js', 'cjs', 'mjs', 'ts'],
  typeorm: ['ts', 'js'],
  'mikro-orm': ['ts', 'js'],
  sequelize: ['js', 'cjs', 'ts'],
  kysely: ['ts', 'js'],
  alembic: ['py'],
  django: ['py'],
};

/** A migration folder for the hooks: its absolute path and its files' extensions. */
export interface HookTarget {
  dir: string;
  extensions: string[];
}

/** The hook targets of the roots found: their folders, with the runner's extensions and their files' own. */
export function hookTargets(roots: Array<{ dir: string; runner: string; files: Array<{ path: string }> }>): HookTarget[] {
  return roots.map((r) => {
    const exts = new Set(MIGRATION_EXTENSIONS[r.runner] ?? ['sql']);
    for (const f of r.files) {
      const m = /\.(sql\.postgres|sql|[cm]?[jt]s|py)$/.exec(f.path);
      if (m) exts.add(m[1]);
    }
    return { dir: r.dir, extensions: [...exts] };
  });
}

/** The targets as paths relative to `base`, with `/`. */
function relTargets(targets: HookTarget[], base: string): Array<{ dir: string; extensions: string[] }> {
  return targets.map((t) => ({ dir: relative(base, t.dir).split(sep).join('/'), extensions: t.extensions }));
}

function regexEscape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** pre-commit `files:` (a Python regex searched in paths relative to the repository root). */
export function preCommitFiles(targets: HookTarget[], gitRootDir: string): string {
  if (!targets.length) return '\\.sql(\\.postgres)?$';
  const parts = relTargets(targets, gitRootDir).map((t) => {
    const exts = t.extensions.map(regexEscape);
    const ext = exts.length === 1 ? exts[0] : `(${exts.join('|')})`;
    return `${t.dir ? `${regexEscape(t.dir)}/` : ''}.*\\.${ext}`;
  });
  return `^(${parts.join('|')})$`;
}

/** lint-staged's key (a micromatch glob relative to package.json's folder). */
export function lintStagedGlob(targets: HookTarget[], packageDir: string): string {
  if (!targets.length) return '*.sql';
  const globs = relTargets(targets, packageDir).map((t) => `${t.dir ? `${t.dir}/` : ''}**/*.${t.extensions.length === 1 ? t.extensions[0] : `{${t.extensions.join(',')}}`}`);
  return globs.length === 1 ? globs[0] : `{${globs.join(',')}}`;
}

/** git pathspecs for `git diff` (relative to the repository root; `*` matches across folders). */
export function gitPathspecs(targets: HookTarget[], gitRootDir: string): string[] {
  if (!targets.length) return ['*.sql'];
  return relTargets(targets, gitRootDir).flatMap((t) => t.extensions.map((e) => `${t.dir ? `${t.dir}/` : ''}*.${e}`));
}

/** A file write planned before anything is written, so a refusal leaves nothing half-done. */
interface PlannedWrite {
  path: string;
  content: string;
  /** replace an existing file (otherwise the write fails if the file appeared meanwhile) */
  replace: boolean;
  mode?: number;
  /** what to tell the user, given the path as shown */
  note: (shown: string) => string;
}

class InitRefusal extends Error {}

export async function initCommand(args: string[], values: Values, io: Io): Promise<number> {
  if (args.length > 1) throw new UsageError(`'godwit init' takes at most one directory (got ${args.length})`);
  const dir = resolve(io.cwd, args[0] ?? '.');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`init: no such directory: ${args[0]}`);
  const force = !!values.force;

  let pgVersion = DEFAULT_PG_VERSION;
  if (values['pg-version'] !== undefined) {
    pgVersion = Number(values['pg-version']);
    if (!Number.isInteger(pgVersion) || pgVersion < 9 || pgVersion > 99) throw new UsageError(`--pg-version takes a PostgreSQL major version such as 15, not '${values['pg-version']}'`);
  }
  const runnerFlag = values.runner === undefined ? undefined : String(values.runner);
  if (runnerFlag !== undefined && !(CONFIG_RUNNERS as readonly string[]).includes(runnerFlag)) {
    throw new UsageError(`--runner must be one of ${CONFIG_RUNNERS.join(', ')} (got '${runnerFlag}')`);
  }
  const hook = values.hook === undefined ? undefined : String(values.hook);
  if (hook !== undefined && !(HOOKS as readonly string[]).includes(hook)) throw new UsageError(`--hook must be one of ${HOOKS.join(', ')} (got '${hook}')`);

  const out = (s: string) => io.stdout.write(s + '\n');
  const rel = (p: string) => relative(io.cwd, p).split(sep).join('/') || '.';

  // 1. an existing config
  const existing = existingConfigs(dir);
  const own = join(dir, CONFIG_NAME);
  if (existing.length && !force) {
    io.stderr.write(`godwit: ${existing.map(rel).join(', ')} already ${existing.length === 1 ? 'exists' : 'exist'}; not overwriting (use --force to replace ${CONFIG_NAME}).\n`);
    return 2;
  }

  // 2. the runner
  const { roots } = await findRoots([dir], { runner: 'auto', pgVersion });
  const runners = [...new Set(roots.map((r) => r.runner))];
  let runner: string | undefined = runnerFlag;
  if (!runner && runners.length === 1) runner = runners[0];
  for (const r of roots) out(`found ${rel(r.dir)}: ${r.runner} migrations (${r.files.length} file${r.files.length === 1 ? '' : 's'}; ${r.detectedBy})`);
  if (!roots.length) out(`no migrations found under ${rel(dir)}: the runner is left to detection (auto)`);
  else if (!runnerFlag && runners.length > 1) out(`several runners (${runners.join(', ')}): the runner is left to detection (auto), per folder`);

  // 3. plan the writes: the config, then the hook
  const config: GodwitConfig = { $schema: schemaRef(dir), pgVersion };
  if (runner && runner !== 'auto') config.runner = runner as GodwitConfig['runner'];
  // the migration folders found: what `godwit lint .` (and ESLint) lints, not seed or query files
  const include = [...new Set(roots.map((r) => relative(dir, r.dir).split(sep).join('/') || '.'))].sort();
  if (include.length && !include.includes('.')) config.include = include;
  const writes: PlannedWrite[] = [
    { path: own, content: JSON.stringify(config, null, 2) + '\n', replace: force, note: (p) => `wrote ${p}` },
  ];
  try {
    if (hook) writes.push(...planHook(hook as HookKind, dir, hookTargets(roots)));
  } catch (e) {
    if (e instanceof InitRefusal) {
      io.stderr.write(`godwit: ${e.message}\nNothing was written.\n`);
      return 2;
    }
    throw e;
  }

  // 4. write
  for (const w of writes) {
    try {
      writeFileAtomic(w);
    } catch (e) {
      if (e instanceof OutputExistsError) {
        io.stderr.write(`godwit: ${rel(w.path)} appeared while init was running; not overwriting it.\n`);
        return 2;
      }
      if (e instanceof WriteError) {
        io.stderr.write(`godwit: cannot write ${rel(w.path)}: ${e.message}\n`);
        return 2;
      }
      throw e;
    }
    out(w.note(rel(w.path)));
  }
  for (const other of existing.filter((f) => f !== own)) out(`note: ${rel(own)} takes precedence over ${rel(other)}, which is now ignored`);

  // 5. what next
  out('');
  out(`Set "pgVersion" to the major version of your production server (now ${pgVersion}).`);
  out(`If your migration runner sets lock_timeout before each migration, add "lockTimeout": "runner" so require-lock-timeout knows.`);
  if (!hook) {
    out('');
    out(hookHelp(hookTargets(roots), gitRoot(dir), dir));
  }
  return 0;
}

/** Config files godwit would read in `dir` (package.json only with a "godwit" key). */
function existingConfigs(dir: string): string[] {
  const found: string[] = [];
  for (const name of CONFIG_FILE_NAMES) {
    const p = join(dir, name);
    if (!existsSync(p)) continue;
    if (name === 'package.json') {
      try {
        const pkg = JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;
        if (pkg && typeof pkg === 'object' && PACKAGE_JSON_KEY in pkg) found.push(p);
      } catch {
        // an unreadable package.json is not a godwit config
      }
      continue;
    }
    found.push(p);
  }
  return found;
}

/**
 * `$schema`: the installed package's schema, relative to the config (the nearest node_modules
 * up); without one (godwit run through npx, or not installed yet) the published schema of this
 * version, so editors complete the config either way.
 */
function schemaRef(dir: string): string {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, SCHEMA_IN_PACKAGE))) {
      const r = relative(dir, join(d, SCHEMA_IN_PACKAGE)).split(sep).join('/');
      return r.startsWith('.') ? r : `./${r}`;
    }
    if (existsSync(join(d, '.git')) || dirname(d) === d) break;
  }
  return publishedSchemaUrl();
}

/** The schema as published with this version on npm (served by unpkg). */
export function publishedSchemaUrl(): string {
  const { name, version } = packageInfo();
  return `https://unpkg.com/${name}@${version}/schema/godwit.config.schema.json`;
}

/** Text files end with a line break (`\n`, or `\r\n` when the text uses it). */
function endWithNewline(text: string): string {
  return text.endsWith('\n') ? text : text + (text.includes('\r\n') ? '\r\n' : '\n');
}

/** The repository root above `dir` (the directory holding .git), or `dir` itself. */
function gitRoot(dir: string): string {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d;
    if (dirname(d) === d) return dir;
  }
}

/** Through the one file writer (src/io/write.ts): created without clobbering, or replaced (--force) keeping owner and mode. */
function writeFileAtomic(w: PlannedWrite): void {
  w = { ...w, content: endWithNewline(w.content) };
  if (!w.replace) {
    writeNewFiles(dirname(w.path), [{ path: basename(w.path), content: w.content, mode: w.mode }]);
    return;
  }
  mkdirSync(dirname(w.path), { recursive: true });
  writeOutput(w.path, w.content, { mode: w.mode });
  // a hook that was not executable before must become so
  if (w.mode !== undefined) chmodSync(w.path, w.mode);
}

// ---- hooks -------------------------------------------------------------------------------

/** The `repo: local` godwit hook for .pre-commit-config.yaml, for files matching `files` (a regex). */
export function preCommitEntry(files = preCommitFiles([], '')): string[] {
  return [
    '- repo: local',
    '  hooks:',
    '    - id: godwit',
    '      name: godwit (PostgreSQL migrations)',
    '      entry: npx --no-install godwit lint',
    '      language: system',
    `      files: '${files.replace(/'/g, "''")}'`,
    '      require_serial: true',
  ];
}

export const PRE_COMMIT_ENTRY = preCommitEntry();

/** The lines added to .husky/pre-commit: the staged migrations (by git pathspec) to godwit lint. */
export function huskyLines(pathspecs = gitPathspecs([], '')): string[] {
  return [
    '# godwit: lint the staged migrations',
    `git diff --cached --name-only --diff-filter=ACMR -z -- ${pathspecs.map((p) => `'${p.replace(/'/g, "'\\''")}'`).join(' ')} | xargs -0 -r npx --no-install godwit lint`,
  ];
}

export const HUSKY_LINES = huskyLines();

function planHook(kind: HookKind, dir: string, targets: HookTarget[]): PlannedWrite[] {
  if (kind === 'pre-commit') return planPreCommit(gitRoot(dir), targets);
  if (kind === 'lint-staged') return planLintStaged(dir, targets);
  return planHusky(gitRoot(dir), targets);
}

/** Add the godwit hook to .pre-commit-config.yaml's `repos:` (block style), or create the file. */
export function addPreCommitHook(text: string | undefined, entry: string[] = PRE_COMMIT_ENTRY): string | null {
  if (text === undefined || text.trim() === '') return ['repos:', ...entry.map((l) => '  ' + l)].join('\n') + '\n';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  if (lines.some((l) => /^\s*-?\s*id:\s*['"]?godwit['"]?\s*(#.*)?$/.test(l))) return null; // already there
  const at = lines.findIndex((l) => /^repos:\s*(#.*)?$/.test(l));
  if (at === -1) throw new InitRefusal('.pre-commit-config.yaml has no block-style "repos:" list to add the godwit hook to');
  // the repos list runs until the next top-level key
  let end = at + 1;
  while (end < lines.length && (lines[end] === '' || /^[\s#-]/.test(lines[end]))) end++;
  let last = end - 1;
  while (last > at && (lines[last].trim() === '' || /^#/.test(lines[last]))) last--;
  const item = lines.slice(at + 1, end).find((l) => /^\s*- /.test(l));
  const indent = item ? /^(\s*)/.exec(item)![1] : '  ';
  lines.splice(last + 1, 0, ...entry.map((l) => indent + l));
  return endWithNewline(lines.join(eol));
}

function planPreCommit(root: string, targets: HookTarget[]): PlannedWrite[] {
  const path = join(root, '.pre-commit-config.yaml');
  const text = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  const next = addPreCommitHook(text, preCommitEntry(preCommitFiles(targets, root)));
  if (next === null) return [];
  return [{ path, content: next, replace: text !== undefined, note: (p) => `${text === undefined ? 'wrote' : 'added the godwit hook to'} ${p} (run \`pre-commit install\` if you have not)` }];
}

const LINT_STAGED_FILES = ['.lintstagedrc', '.lintstagedrc.json', '.lintstagedrc.yaml', '.lintstagedrc.yml', '.lintstagedrc.mjs', '.lintstagedrc.cjs', '.lintstagedrc.js', 'lint-staged.config.js', 'lint-staged.config.mjs', 'lint-staged.config.cjs', 'lint-staged.config.ts'];

/** Add `"<glob>": "godwit lint"` to package.json's "lint-staged" (created if absent), keeping its formatting. */
export function addLintStaged(text: string, glob = '*.sql'): string | null {
  const errors: jsonc.ParseError[] = [];
  const pkg = jsonc.parse(text, errors, { allowTrailingComma: false }) as Record<string, unknown> | undefined;
  if (errors.length || !pkg || typeof pkg !== 'object' || Array.isArray(pkg)) throw new InitRefusal('package.json is not a JSON object');
  const ls = pkg['lint-staged'];
  if (ls !== undefined && (typeof ls !== 'object' || ls === null || Array.isArray(ls))) throw new InitRefusal('package.json "lint-staged" is not an object');
  const tasks = (ls ?? {}) as Record<string, unknown>;
  if (Object.entries(tasks).some(([, v]) => JSON.stringify(v).includes('godwit'))) return null;
  if (glob in tasks) throw new InitRefusal(`package.json "lint-staged" already has a "${glob}" entry: add "godwit lint" to it by hand`);
  const indent = /\n([ \t]+)"/.exec(text)?.[1] ?? '  ';
  const edits = jsonc.modify(text, ['lint-staged', glob], 'godwit lint', {
    formattingOptions: { insertSpaces: !indent.includes('\t'), tabSize: indent.includes('\t') ? 1 : indent.length, eol: text.includes('\r\n') ? '\r\n' : '\n' },
  });
  return endWithNewline(jsonc.applyEdits(text, edits));
}

function planLintStaged(dir: string, targets: HookTarget[]): PlannedWrite[] {
  const path = join(dir, 'package.json');
  if (!existsSync(path)) throw new InitRefusal(`--hook lint-staged: no package.json in ${dir}`);
  const other = LINT_STAGED_FILES.find((f) => existsSync(join(dir, f)));
  const glob = lintStagedGlob(targets, dir);
  if (other) throw new InitRefusal(`lint-staged is configured in ${other}; add this entry to it by hand: "${glob}": "godwit lint"`);
  const next = addLintStaged(readFileSync(path, 'utf8'), glob);
  if (next === null) return [];
  return [{ path, content: next, replace: true, note: (p) => `added "${glob}": "godwit lint" to lint-staged in ${p} (lint-staged runs from your pre-commit hook, e.g. husky)` }];
}

function planHusky(root: string, targets: HookTarget[]): PlannedWrite[] {
  const path = join(root, '.husky', 'pre-commit');
  const text = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  if (text !== undefined && text.includes('godwit')) return [];
  const lines = huskyLines(gitPathspecs(targets, root));
  const content = text === undefined ? lines.join('\n') + '\n' : text.replace(/\s*$/, '\n') + lines.join('\n') + '\n';
  const installed = existsSync(join(root, '.husky', '_'));
  return [
    {
      path,
      content,
      replace: text !== undefined,
      mode: 0o755,
      note: (p) => `${text === undefined ? 'wrote' : 'added godwit to'} ${p}${installed ? '' : ' (install husky to run it: npm install --save-dev husky && npx husky)'}`,
    },
  ];
}

export function hookHelp(targets: HookTarget[] = [], repoDir = '', packageDir = ''): string {
  return [
    'Run godwit before every commit (or pass --hook pre-commit|lint-staged|husky to set one up):',
    '',
    '  pre-commit (.pre-commit-config.yaml):',
    '    repos:',
    ...preCommitEntry(preCommitFiles(targets, repoDir)).map((l) => '      ' + l),
    '',
    '  lint-staged (package.json):',
    `    "lint-staged": { "${lintStagedGlob(targets, packageDir)}": "godwit lint" }`,
    '',
    '  husky (.husky/pre-commit):',
    ...huskyLines(gitPathspecs(targets, repoDir)).map((l) => '    ' + l),
    '',
    'And in CI: `godwit lint --format sarif -o godwit.sarif` for GitHub code scanning, --format github for annotations,',
    '--format gitlab for GitLab Code Quality (see docs/ci.md, and the godwit GitHub Action in action.yml).',
  ].join('\n');
}
