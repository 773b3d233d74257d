// Resolves directory imports (`./parser` → `./parser/index.js`) and extensionless ones, as a bundler
// does: dt-sql-parser's ESM build needs it to load in Node (bench/mysql-parsers.mjs).
import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(`
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
export async function resolve(spec, ctx, next) {
  try { return await next(spec, ctx); } catch (e) {
    if (e.code === 'ERR_UNSUPPORTED_DIR_IMPORT') return next(spec.replace(/\\/?$/, '/index.js'), ctx);
    if (e.code === 'ERR_MODULE_NOT_FOUND' && !spec.endsWith('.js')) return next(spec + '.js', ctx);
    throw e;
  }
}`));
