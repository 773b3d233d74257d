/**
 * Find and load config files. The nearest config above a linted file wins (no merging
 * across levels); the search stops at the first directory holding `.git` or at the
 * filesystem root. `--config <path>` loads exactly that file for every linted file. When no
 * godwit config applies, the nearest `.squawk.toml` does (translated: squawk.ts).
 */
import { readdirSync, type Dirent } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import type { ParseError } from 'jsonc-parser';
import { ConfigError } from './errors.js';
import { untrackedInput } from '../cache/run-record.js';
import type { GodwitConfig } from './schema.js';
import { SQUAWK_CONFIG_NAME, squawkToGodwit } from './squawk.js';
import { acceptedAsIs } from './accept.js';

function isSquawkConfig(file: string): boolean {
  return basename(file) === SQUAWK_CONFIG_NAME;
}

/** Config file names, in the order they are tried within one directory. */
export const CONFIG_FILE_NAMES = [
  'godwit.config.json',
  'godwit.config.js',
  'godwit.config.mjs',
  'godwit.config.ts',
  '.godwitrc.json',
  'package.json',
] as const;

/** The key a package.json holds the config under. */
export const PACKAGE_JSON_KEY = 'godwit';

export interface ResolvedConfig {
  /** the validated config ({} when no file was found) */
  config: GodwitConfig;
  /** absolute path of the config file, or null when none was found */
  file: string | null;
  /** the directory `include`, `exclude` and `schema` are relative to: the config file's (or the cwd) */
  dir: string;
}

export interface ConfigLoaderOptions {
  /** `--config <path>`: load exactly this file for every linted file, no search */
  explicitPath?: string;
  /** resolves relative paths and shortens file names in messages (default process.cwd()) */
  cwd?: string;
  /** a directory's entries, when the caller lists directories already (a lint run: each folder read once) */
  listDir?: (dir: string) => Dirent[];
}

/**
 * Finds the config for each linted file; every directory is looked up once per loader, and
 * files governed by the same config share one (frozen) ResolvedConfig.
 */
export class ConfigLoader {
  readonly cwd: string;
  readonly explicitPath: string | undefined;
  private explicit: Promise<ResolvedConfig> | undefined;
  private readonly byDir = new Map<string, Promise<ResolvedConfig>>();
  private readonly none: ResolvedConfig;
  private readonly listDir: (dir: string) => Dirent[];

  constructor(opts: ConfigLoaderOptions = {}) {
    this.cwd = resolve(opts.cwd ?? process.cwd());
    this.listDir = opts.listDir ?? ((dir) => readdirSync(dir, { withFileTypes: true }));
    this.explicitPath = opts.explicitPath === undefined ? undefined : resolve(this.cwd, opts.explicitPath);
    this.none = Object.freeze({ config: Object.freeze({}), file: null, dir: this.cwd });
  }

  /** The config that applies to a file (absolute, or relative to the loader's cwd; it need not exist). */
  forFile(path: string): Promise<ResolvedConfig> {
    if (this.explicitPath !== undefined) return this.loadExplicit();
    return this.forDirectory(dirname(resolve(this.cwd, path)));
  }

  /** The config that applies to files in a directory. */
  forDirectory(dir: string): Promise<ResolvedConfig> {
    if (this.explicitPath !== undefined) return this.loadExplicit();
    dir = resolve(this.cwd, dir);
    let found = this.byDir.get(dir);
    if (!found) {
      found = this.search(dir);
      this.byDir.set(dir, found);
    }
    return found;
  }

  private loadExplicit(): Promise<ResolvedConfig> {
    const file = this.explicitPath!;
    this.explicit ??= loadConfigFile(file, { display: this.display(file), required: true }).then((config) =>
      Object.freeze({ config: Object.freeze(config!), file, dir: dirname(file) }),
    );
    return this.explicit;
  }

  private async search(dir: string): Promise<ResolvedConfig> {
    const names = configNames(this.listDir, dir);
    for (const name of CONFIG_FILE_NAMES) {
      if (!names.has(name)) continue;
      const file = join(dir, name);
      const config = await loadConfigFile(file, { display: this.display(file) });
      if (config) return Object.freeze({ config: Object.freeze(config), file, dir });
    }
    const parent = dirname(dir);
    const above = names.has('.git') || parent === dir ? this.none : await this.forDirectory(parent);
    // a godwit config anywhere above beats a .squawk.toml; among .squawk.toml files the nearest wins
    if (above.file && !isSquawkConfig(above.file)) return above;
    if (names.has(SQUAWK_CONFIG_NAME)) {
      const file = join(dir, SQUAWK_CONFIG_NAME);
      const config = await loadConfigFile(file, { display: this.display(file) });
      if (config) return Object.freeze({ config: Object.freeze(config), file, dir });
    }
    return above;
  }

  /** A file name as shown in messages: relative to the cwd when inside it. */
  private display(file: string): string {
    const rel = relative(this.cwd, file);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
  }
}

/**
 * The names of a directory's files (and links, and `.git`). Synchronous on purpose: one listing
 * per directory is cheap, while awaiting hundreds of them one after another (one per migration
 * folder) cost more than the lint itself.
 */
function configNames(listDir: (dir: string) => Dirent[], dir: string): Set<string> {
  try {
    const entries = listDir(dir);
    return new Set(entries.filter((e) => e.name === '.git' || e.isFile() || e.isSymbolicLink()).map((e) => e.name));
  } catch {
    return new Set(); // missing or unreadable directory: keep looking upward
  }
}

export interface LoadOptions {
  /** the name used in messages (default: the path as given) */
  display?: string;
  /** a package.json without a `godwit` key is an error rather than "no config here" */
  required?: boolean;
}

/**
 * Load and validate one config file. Returns undefined only for a package.json without a
 * `godwit` key (unless `required`). Throws ConfigError for anything unreadable or invalid.
 */
export async function loadConfigFile(file: string, opts: LoadOptions = {}): Promise<GodwitConfig | undefined> {
  const display = opts.display ?? file;
  // the common configs are accepted without the schema; zod and the schema are loaded for the
  // others, which they validate and word the errors of (accept.ts)
  const validateConfig = async (value: unknown, shown: string, keyPrefix?: string): Promise<GodwitConfig> =>
    acceptedAsIs(value) ?? (await import('./schema.js')).validateConfig(value, shown, keyPrefix);
  const ext = extname(file).toLowerCase();
  // a config module runs, and may read what `godwit lint --cache` cannot see: not a recordable run
  if (/^\.[mc]?[jt]s$/.test(ext)) untrackedInput();
  if (ext === '.js' || ext === '.mjs' || ext === '.cjs') {
    // ?mtime= makes a long-lived process (an editor's ESLint) see edits to the file
    const mod = await importConfig(file, display, async (mtime) => import(`${pathToFileURL(file).href}?mtime=${mtime}`));
    return validateExport(mod, display, validateConfig);
  }
  if (ext === '.ts' || ext === '.mts' || ext === '.cts') {
    const mod = await importConfig(file, display, async () => {
      const { createJiti } = await import('jiti');
      return createJiti(import.meta.url, { moduleCache: false }).import(file);
    });
    return validateExport(mod, display, validateConfig);
  }
  const text = await readText(file, display);
  if (isSquawkConfig(file)) return validateConfig(squawkToGodwit(text, display), display);
  const value = parseJson(text, display);
  if (basename(file) === 'package.json') {
    const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
    if (!isObject || !Object.prototype.hasOwnProperty.call(value, PACKAGE_JSON_KEY)) {
      if (opts.required) throw new ConfigError(display, `has no "${PACKAGE_JSON_KEY}" key`);
      return undefined;
    }
    return validateConfig((value as Record<string, unknown>)[PACKAGE_JSON_KEY], display, PACKAGE_JSON_KEY);
  }
  return validateConfig(value, display);
}

async function readText(file: string, display: string): Promise<string> {
  try {
    const text = await readFile(file, 'utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    throw new ConfigError(display, `cannot read the config file: ${why}`, { cause: err });
  }
}

async function importConfig(file: string, display: string, load: (mtime: number) => Promise<unknown>): Promise<unknown> {
  // a top-level await that never settles leaves nothing for the event loop to do: Node would
  // then end the process with exit code 13 and a warning. 'beforeExit' comes first: say why.
  let onIdle: (() => void) | undefined;
  const never = new Promise<never>((_, reject) => {
    onIdle = () => reject(new ConfigError(display, 'cannot load the config file: it never finished loading (a top-level await that never settles)'));
    process.once('beforeExit', onIdle);
  });
  try {
    const info = await stat(file).catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'ENOENT' ? new ConfigError(display, 'cannot read the config file: file not found', { cause: err }) : err;
    });
    return await Promise.race([load(Math.trunc(info.mtimeMs)), never]);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const msg = err instanceof Error ? err.message : String(err);
    throw new ConfigError(display, `cannot load the config file: ${msg}`, { cause: err });
  } finally {
    if (onIdle) process.off('beforeExit', onIdle);
  }
}

/**
 * Validate what a JS/TS config exported: reading it runs the config's code (getters, proxies),
 * which may throw — a config error (exit 2 with the message), not an internal error.
 */
async function validateExport(mod: unknown, display: string, validateConfig: (value: unknown, display: string) => Promise<GodwitConfig>): Promise<GodwitConfig> {
  try {
    return await validateConfig(await defaultExport(mod, display), display);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const msg = err instanceof Error ? err.message : String(err);
    throw new ConfigError(display, `reading the config's default export threw: ${msg}`, { cause: err });
  }
}

async function defaultExport(mod: unknown, display: string): Promise<unknown> {
  if (mod === null || typeof mod !== 'object' || !('default' in mod)) {
    throw new ConfigError(display, 'has no default export (write `export default { … }`)');
  }
  return await (mod as { default: unknown }).default;
}

const JSON_ERRORS: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes (trailing commas are not allowed)',
  ValueExpected: 'expected a value',
  ColonExpected: "expected ':'",
  CommaExpected: "expected ','",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: 'unexpected content after the end of the JSON value',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'comments are not allowed in JSON',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'invalid number',
  InvalidUnicode: 'invalid unicode escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in string (control characters must be escaped)',
};

/** JSON.parse, with a syntax error turned into a ConfigError at line:column. */
function parseJson(text: string, display: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    // V8's messages do not always carry a position; jsonc-parser (VS Code's) finds it.
    const { offset, what } = locateJsonError(text, err as Error);
    const { line, column } = lineColumn(text, offset);
    throw new ConfigError(display, `invalid JSON: ${what}`, { line, column, cause: err });
  }
}

function locateJsonError(text: string, err: Error): { offset: number; what: string } {
  const errors: ParseError[] = [];
  // (loaded only for an invalid JSON config)
  const jsonc = createRequire(import.meta.url)('jsonc-parser') as typeof import('jsonc-parser');
  jsonc.parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (first) {
    const code = jsonc.printParseErrorCode(first.error);
    return { offset: first.offset, what: JSON_ERRORS[code] ?? code };
  }
  const m = /at position (\d+)/.exec(err.message);
  return { offset: m ? Number(m[1]) : 0, what: err.message };
}

/** 1-based line and column (UTF-16 code units) of an offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}
