export { lint, lintSql, initParser, rules } from './lint.js';
export { parseFile } from './sql/parse.js';
export { lintParsed } from './engine/linter.js';
export { defineRule } from './engine/types.js';
export type * from './engine/types.js';
export type { Lock, LockMode, Duration, Blocked } from './analysis/lock-types.js';
export { Catalog } from './analysis/catalog.js';
export { applyEdits } from './fix/apply.js';
