/**
 * The GitHub Action (action.yml), its shell steps run as GitHub runs `shell: bash`:
 * `bash --noprofile --norc -eo pipefail <script>`. With findings (exit 1), without, and when
 * godwit cannot run (exit 2), the lint step must write its outputs (exit-code, sarif-written)
 * and the job summary before the step ends, and end with 0; the last step then fails the job.
 * The scripts are taken from action.yml itself, parsed with a YAML parser.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parse } from 'yaml';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'dist', 'src', 'cli', 'bin.js');

interface Step { id?: string; name?: string; shell?: string; run?: string; env?: Record<string, string>; if?: string }
const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as { runs: { steps: Step[] }; inputs: Record<string, { default?: string }> };
const lintStep = action.runs.steps.find((s) => s.id === 'lint')!;
const failStep = action.runs.steps.find((s) => s.name === 'Fail on godwit errors')!;

/** A project with godwit installed (node_modules/.bin/godwit runs this checkout's build). */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'godwit-action-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
  writeFileSync(join(dir, 'node_modules', '.bin', 'godwit'), `#!/bin/sh\nexec "${process.execPath}" "${bin}" "$@"\n`);
  chmodSync(join(dir, 'node_modules', '.bin', 'godwit'), 0o755);
  return dir;
}

/** Run a step's script as GitHub does, with the inputs' defaults (overridden by `inputs`). */
function runStep(step: Step, dir: string, inputs: Record<string, string> = {}, extraEnv: Record<string, string> = {}) {
  const script = join(dir, `.step-${step.id ?? 'fail'}.sh`);
  writeFileSync(script, step.run!);
  const output = join(dir, 'github_output');
  const summary = join(dir, 'step_summary');
  writeFileSync(output, '');
  writeFileSync(summary, '');
  const value = (name: string) => inputs[name] ?? action.inputs[name]?.default ?? '';
  // `${{ inputs.x }}` in the step's env, as GitHub substitutes it
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(step.env ?? {})) env[k] = String(v).replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, n: string) => value(n)).replace(/\$\{\{\s*steps\.lint\.outputs\.exit-code\s*\}\}/g, extraEnv.EXIT ?? '');
  expect(step.shell).toBe('bash');
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary, GITHUB_ACTION_PATH: root, ...env },
    timeout: 120_000,
  });
  const outputs = Object.fromEntries(readFileSync(output, 'utf8').split('\n').filter(Boolean).map((l) => l.split('=') as [string, string]));
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, outputs, summary: readFileSync(summary, 'utf8') };
}

beforeAll(() => {
  expect(existsSync(bin), 'run `npm run build` first').toBe(true);
});

describe('action.yml under bash -eo pipefail', () => {
  it('with findings: outputs, SARIF and summary are written, the step ends 0, the last step fails the job', () => {
    const dir = project({ 'db/migrations/000001_users.up.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n', 'db/migrations/000002_idx.up.sql': 'CREATE INDEX users_email_idx ON users (email);\n' });
    const r = runStep(lintStep, dir, { paths: 'db/migrations' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs).toEqual({ 'exit-code': '1', 'sarif-written': 'true' });
    const sarif = JSON.parse(readFileSync(join(dir, 'godwit.sarif'), 'utf8'));
    expect(sarif.runs[0].results.map((x: { ruleId: string }) => x.ruleId)).toContain('require-concurrent-index');
    expect(r.stdout).toContain('db/migrations/000002_idx.up.sql:1:1  error  CREATE INDEX without CONCURRENTLY');
    expect(r.stdout).toMatch(/godwit: \d+ finding\(s\)/);
    expect(r.summary).toContain('require-concurrent-index');
    const fail = runStep(failStep, dir, {}, { EXIT: r.outputs['exit-code'] });
    expect(fail.code).toBe(1);
    expect(fail.stdout).toContain('::error title=godwit::godwit found errors');
  });

  it('without findings: exit-code 0, SARIF with no results, a summary, and the job passes (the last step is skipped)', () => {
    const dir = project({ 'db/migrations/000001_users.up.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n' });
    const r = runStep(lintStep, dir, { paths: 'db/migrations', 'pg-version': '16', args: '--max-warnings 0' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs).toEqual({ 'exit-code': '0', 'sarif-written': 'true' });
    expect(JSON.parse(readFileSync(join(dir, 'godwit.sarif'), 'utf8')).runs[0].results).toEqual([]);
    expect(r.stdout).toContain('godwit: 0 finding(s)');
    expect(r.summary).not.toBe('');
    expect(failStep.if).toContain("steps.lint.outputs.exit-code != '0'");
  });

  it('when godwit cannot run (exit 2: a wrong path): exit-code 2, no summary, the last step says it could not run', () => {
    const dir = project({ 'db/migrations/000001_users.up.sql': 'CREATE TABLE users (id bigint);\n' });
    const r = runStep(lintStep, dir, { paths: 'db/migratons' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs['exit-code']).toBe('2');
    expect(r.stderr).toContain('no such file or directory: db/migratons');
    expect(r.summary).toBe('');
    const fail = runStep(failStep, dir, {}, { EXIT: '2' });
    expect(fail.code).toBe(1);
    expect(fail.stdout).toContain('godwit could not run (exit code 2)');
  });
});
