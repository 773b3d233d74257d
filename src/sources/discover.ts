/**
 * Find the files to lint: files named on the command line are linted whatever their
 * extension; directories are searched recursively for `*.sql` (node_modules and dot
 * directories skipped). Symlinked directories are not followed, so a link loop cannot hang.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { sqlFilesUnder, type ListDir } from './walk.js';

export interface Discovered {
  files: string[];
  /** paths that do not exist */
  missing: string[];
}

export const SQL_GLOB = '**/*.sql';

export async function discoverFiles(paths: string[], cwd: string = process.cwd(), list?: ListDir): Promise<Discovered> {
  const files = new Set<string>();
  const missing: string[] = [];
  for (const p of paths) {
    const abs = resolve(cwd, p);
    let st;
    try {
      st = statSync(abs);
    } catch {
      missing.push(p);
      continue;
    }
    if (st.isDirectory()) {
      const found = sqlFilesUnder(abs, false, list); // SQL_GLOB, node_modules skipped (walk.ts)
      for (const f of found.sort()) files.add(f);
    } else {
      files.add(abs);
    }
  }
  return { files: [...files], missing };
}
