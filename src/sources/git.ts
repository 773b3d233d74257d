/**
 * `--changed-since <ref>`: the migrations added or modified since a git ref (compared with
 * the working tree from the ref's merge base, as a pull request sees it, plus untracked
 * files). A modified file is one that already existed at the ref: a migration that may
 * already have run somewhere, which editing does not re-run.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export class GitError extends Error {}

function git(args: string[], cwd: string): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new GitError(`--changed-since: git ${args[0]} failed: ${(err.stderr || err.message).trim().split('\n')[0]}`);
  }
}

export interface Changes {
  /** absolute paths added, modified, renamed or untracked */
  files: Set<string>;
  /** absolute paths that existed at the ref and were modified */
  modified: string[];
}

export function changedSince(ref: string, cwd: string): Changes {
  const top = git(['rev-parse', '--show-toplevel'], cwd).trim();
  git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd);
  const files = new Set<string>();
  const modified: string[] = [];
  const diff = git(['diff', '--name-status', '-z', '--no-renames', '--merge-base', ref], cwd).split('\0');
  for (let i = 0; i + 1 < diff.length; i += 2) {
    const status = diff[i];
    const path = resolve(top, diff[i + 1]);
    if (status === 'A') files.add(path);
    else if (status === 'M' || status === 'T') {
      files.add(path);
      modified.push(path);
    }
  }
  for (const f of git(['ls-files', '--others', '--exclude-standard', '-z'], top).split('\0')) if (f) files.add(resolve(top, f));
  return { files, modified };
}
