/**
 * The dialects behind one interface (ARCHITECTURE.md, "Second stage"): each owns its parser
 * wrapper, splitting and locations, its lock or online-DDL facts and its catalog replay; the
 * project pipeline asks which dialect a file is in, parses it with that dialect, and lints it
 * with the engine for it. PostgreSQL: src/dialects/postgresql (libpg-query). MySQL:
 * src/dialects/mysql (the MySQL Workbench grammar, loaded on the first MySQL file).
 */
import { initParser } from './postgresql/pg.js';
import { initMysqlParser } from './mysql/grammar.js';
import { parseMysqlFile } from './mysql/parse.js';
import { MysqlCatalog } from './mysql/catalog.js';
import { classifyStatement } from './mysql/online-ddl.js';
import { DEFAULT_MYSQL_VERSION, parseMysqlTarget } from './mysql/matrix.js';
import type { MysqlParsedFile } from './mysql/types.js';
import { detectDialect } from './detect.js';
import type { DialectName } from '../engine/types.js';

export type { DialectName };
export { MysqlCatalog, parseMysqlFile, detectDialect };

/** Load a dialect's parser (once). */
export function initDialect(d: DialectName): Promise<void> {
  return d === 'mysql' ? initMysqlParser() : initParser();
}

/**
 * The dialect of one file: `forced` (`--dialect`, the config's `dialect`) when it is not auto;
 * else what its root's layout or runner configuration says; else its syntax (detect.ts).
 */
export function dialectOf(text: string, forced: DialectName | 'auto' | undefined, root: { dialect?: DialectName } | undefined): DialectName {
  if (forced && forced !== 'auto') return forced;
  if (root?.dialect) return root.dialect;
  return detectDialect(text);
}

/** Replay a MySQL migration into the catalog, as history (statements that did not parse are skipped). */
export function replayMysql(catalog: MysqlCatalog, parsed: MysqlParsedFile, mysqlVersion = DEFAULT_MYSQL_VERSION): MysqlCatalog {
  catalog.origin = 'history';
  const target = parseMysqlTarget(mysqlVersion) ?? parseMysqlTarget(DEFAULT_MYSQL_VERSION)!;
  let fkOff = false;
  for (const s of parsed.statements) {
    if (s.kind === 'SyntaxError') continue;
    if (s.kind === 'Set') for (const a of s.body.assignments) if (a.name === 'foreign_key_checks' && a.scope !== 'GLOBAL') fkOff = ['0', 'OFF', 'FALSE'].includes(String(a.value).toUpperCase());
    const ddl = classifyStatement(s, { catalog, target, foreignKeyChecksOff: fkOff });
    catalog.apply(s, ddl ? { ...ddl.effective, instantColumnChange: ddl.instantColumnChange } : undefined);
  }
  return catalog;
}
