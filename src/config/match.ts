/** `include` / `exclude`: globs relative to the config file's directory (picomatch syntax). */
import { relative, resolve, sep } from 'node:path';
import { createRequire } from 'node:module';
import type picomatchType from 'picomatch';
import type { ResolvedConfig } from './load.js';
import type { GodwitConfig } from './schema.js';

type Matcher = (path: string) => boolean;

const compiled = new WeakMap<GodwitConfig, { include: Matcher | null; exclude: Matcher | null }>();

function compile(patterns: string[] | undefined): Matcher | null {
  if (!patterns?.length) return null;
  const cleaned = patterns.map((p) => p.replace(/^(?:\.\/)+/, '').replace(/\/+$/, ''));
  // picomatch is loaded only for a config that has include/exclude globs
  const picomatch = createRequire(import.meta.url)('picomatch') as typeof picomatchType;
  return picomatch(cleaned, { dot: true });
}

function matchersOf(config: GodwitConfig) {
  let m = compiled.get(config);
  if (!m) {
    m = { include: compile(config.include), exclude: compile(config.exclude) };
    compiled.set(config, m);
  }
  return m;
}

/**
 * Whether the config lints this file: it matches `include` (when given and non-empty) and
 * does not match `exclude`. A pattern matching a directory covers every file under it
 * (`exclude: ["db/legacy"]`). `file` is absolute, or relative to the process cwd.
 */
export function isIncluded(resolved: ResolvedConfig, file: string): boolean {
  const { include, exclude } = matchersOf(resolved.config);
  if (!include && !exclude) return true;
  const rel = relative(resolved.dir, resolve(file)).split(sep).join('/');
  // the file itself, then each directory above it (within the relative path)
  const candidates = [rel];
  for (let i = rel.lastIndexOf('/'); i > 0; i = rel.lastIndexOf('/', i - 1)) candidates.push(rel.slice(0, i));
  if (include && !candidates.some(include)) return false;
  if (exclude && candidates.some(exclude)) return false;
  return true;
}

/** The config's `include` names this file (or a directory above it), and `exclude` does not. */
export function includedExplicitly(resolved: ResolvedConfig, file: string): boolean {
  return !!resolved.config.include?.length && isIncluded(resolved, file);
}
