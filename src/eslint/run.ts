/**
 * Is this ESLint process a single run (`eslint …` on the command line), or long-lived (an editor,
 * a language server, a script that keeps an `ESLint` instance)? In a single run the migrations
 * on disk do not change while ESLint lints them, so a root's history is checked once per run
 * (history.ts, root-cache.ts); a long-lived ESLint re-checks the stamps of a file's earlier
 * migrations for each file it lints, so an edited migration is seen at the next lint.
 *
 * Inferred as typescript-eslint infers its own single runs: the process was started through
 * ESLint's command line (`npx eslint`, `node_modules/.bin/eslint`, pnpm's
 * `node_modules/eslint/bin/eslint.js`). `GODWIT_ESLINT_SINGLE_RUN=true|false` overrides it.
 * (Unlike typescript-eslint, `CI=true` alone does not make a single run: test runners in CI
 * keep ESLint instances across file changes.)
 */
import { normalize } from 'node:path';

let inferred: boolean | undefined;

export function singleRun(): boolean {
  const forced = process.env.GODWIT_ESLINT_SINGLE_RUN;
  if (forced === 'true') return true;
  if (forced === 'false') return false;
  if (inferred === undefined) {
    const script = process.argv[1] ?? '';
    inferred = [normalize('node_modules/.bin/eslint'), normalize('node_modules/eslint/bin/eslint.js')].some((bin) => script.endsWith(bin));
  }
  return inferred;
}
