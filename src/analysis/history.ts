/**
 * History: the schema as the earlier migrations (or a pg_dump --schema-only file) left it.
 * Replaying only advances the catalog; no rule runs. Statements that do not parse are
 * skipped (a migration that already ran parsed on the server; a dump may hold psql
 * meta-commands such as \restrict).
 */
import { Catalog } from './catalog.js';
import { parseFile } from '../dialects/postgresql/parse.js';
import type { ParsedFile } from '../dialects/postgresql/types.js';

/** Apply every statement of a parsed migration to the catalog, as history. */
export function replayParsed(catalog: Catalog, parsed: ParsedFile): Catalog {
  catalog.origin = 'history';
  for (const stmt of parsed.statements) if (stmt.kind !== 'SyntaxError') catalog.apply(stmt, null);
  return catalog;
}

/** A catalog seeded from `pg_dump --schema-only` output (for squashed histories). */
export function catalogFromDump(text: string, path = 'schema.sql'): Catalog {
  const catalog = new Catalog();
  replayParsed(catalog, parseFile(path, text));
  catalog.sealAsHistory();
  catalog.setSearchPath(catalog.defaultPath);
  return catalog;
}
