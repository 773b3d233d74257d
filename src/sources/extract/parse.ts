/**
 * Loading and running the JS/TS parser. @typescript-eslint/typescript-estree (and TypeScript
 * under it, ~0.4 s to load) is imported only when a JS/TS migration is actually read, so
 * `godwit lint` on .sql files never pays for it.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { createRequire } from 'node:module';

export const JS_EXTENSIONS = ['.js', '.cjs', '.mjs', '.ts', '.cts', '.mts'] as const;

/** A file godwit reads as a JS/TS migration (by extension; `.d.ts` declarations are not). */
export function isJsMigrationPath(path: string): boolean {
  const lower = path.toLowerCase();
  if (/\.d\.[cm]?ts$/.test(lower)) return false;
  return JS_EXTENSIONS.some((e) => lower.endsWith(e));
}

type Estree = typeof import('@typescript-eslint/typescript-estree');
let estree: Estree | undefined;
let loading: Promise<void> | undefined;

/** Load @typescript-eslint/typescript-estree (once). */
export function initJsParser(): Promise<void> {
  if (estree) return Promise.resolve();
  loading ??= import('@typescript-eslint/typescript-estree').then((m) => {
    // CommonJS module: its exports are on the namespace (and on `default`)
    estree = ((m as unknown as { parse?: unknown }).parse ? m : (m as unknown as { default: Estree }).default) as Estree;
  });
  return loading;
}

export function isJsParserLoaded(): boolean {
  return estree !== undefined;
}

/**
 * Load it synchronously (the ESLint plugin: rules cannot await; typescript-estree is CommonJS).
 * Only when a JS/TS migration is met, so .sql-only ESLint runs never load TypeScript.
 */
export function initJsParserSync(): void {
  estree ??= createRequire(import.meta.url)('@typescript-eslint/typescript-estree') as Estree;
}

/** Synchronous callers (rootOfSync, an ESLint rule) that reach a JS/TS file before initJsParser() resolved. */
function loadSync(): Estree {
  initJsParserSync();
  return estree!;
}

export class JsParseError extends Error {
  constructor(
    message: string,
    readonly index: number,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

/**
 * Parse JS or TS (TSX off: `<T>x` casts are TypeScript). Ranges index `text`. Throws
 * JsParseError on a syntax error.
 */
export function parseJs(text: string, path: string): TSESTree.Program {
  const parser = estree ?? loadSync();
  const jsx = /\.[jt]sx$/i.test(path);
  try {
    return parser.parse(text, { range: true, loc: true, comment: true, jsx, errorOnUnknownASTType: false, suppressDeprecatedPropertyWarnings: true } as never) as TSESTree.Program;
  } catch (e) {
    const err = e as { message?: string; index?: number; lineNumber?: number; column?: number };
    const index = typeof err.index === 'number' ? err.index : 0;
    throw new JsParseError(String(err.message ?? e), index, err.lineNumber ?? 1, (err.column ?? 0) + 1);
  }
}
