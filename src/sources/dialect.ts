/**
 * The dialect a migration root's layout or its runner's configuration names (CLI.md,
 * "`--dialect`"): a folder named `mysql` or `mariadb` (openfga's `assets/migrations/mysql/`,
 * `db/mysql/migrations`), Prisma's `provider = "mysql"` in `migration_lock.toml`, Drizzle's
 * `"dialect": "mysql"` in `meta/_journal.json`, Flyway's `flyway.url=jdbc:mysql:` (or
 * `jdbc:mariadb:`) in `flyway.conf` / `url = "jdbc:mysql:…"` in `flyway.toml`. These read
 * configuration files (TOML keys, JSON), never SQL. pop's `*.mysql.up.sql` names are read by
 * roots.ts, which builds a root per dialect.
 */
import { basename, dirname, join } from 'node:path';
import { readSourceFileOr } from './read.js';
import type { RunnerName } from './types.js';

export interface RootDialect {
  dialect: 'postgresql' | 'mysql';
  by: string;
}

const MYSQL_NAMES = new Set(['mysql', 'mariadb']);
const PG_NAMES = new Set(['postgres', 'postgresql', 'pg']);

export function rootDialect(dir: string, runner: RunnerName, has: (name: string) => boolean): RootDialect | undefined {
  for (const d of [dir, dirname(dir)]) {
    const name = basename(d).toLowerCase();
    if (MYSQL_NAMES.has(name)) return { dialect: 'mysql', by: `the ${basename(d)}/ folder` };
    if (PG_NAMES.has(name)) return { dialect: 'postgresql', by: `the ${basename(d)}/ folder` };
  }
  if (runner === 'prisma' && has('migration_lock.toml')) {
    const provider = tomlValue(readSourceFileOr(join(dir, 'migration_lock.toml'), ''), 'provider');
    if (provider) return fromDriver(provider, `provider = "${provider}" in migration_lock.toml`);
  }
  if (runner === 'drizzle') {
    try {
      const j = JSON.parse(readSourceFileOr(join(dir, 'meta', '_journal.json'), '{}')) as { dialect?: unknown };
      if (typeof j.dialect === 'string') return fromDriver(j.dialect, `"dialect": "${j.dialect}" in meta/_journal.json`);
    } catch {
      // not JSON: roots.ts reports it
    }
  }
  if (runner === 'flyway') {
    for (const d of [dir, dirname(dir), dirname(dirname(dir))]) {
      const conf = readSourceFileOr(join(d, 'flyway.conf'), '');
      const url = confValue(conf, 'flyway.url') ?? tomlValue(readSourceFileOr(join(d, 'flyway.toml'), ''), 'url');
      if (url) return fromDriver(url.replace(/^jdbc:/, '').split(':')[0], `${url.split('//')[0]}// in Flyway's configuration`);
    }
  }
  return undefined;
}

function fromDriver(driver: string, by: string): RootDialect | undefined {
  const d = driver.toLowerCase();
  if (d === 'mysql' || d === 'mysql2' || d === 'mariadb' || d === 'singlestore' || d === 'planetscale') return { dialect: 'mysql', by };
  if (d === 'postgresql' || d === 'postgres' || d === 'pg' || d === 'cockroachdb') return { dialect: 'postgresql', by };
  return undefined;
}

/** `key = "value"` of a TOML file's top level (the first one; comments and tables skipped). */
function tomlValue(text: string, key: string): string | undefined {
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('[')) break;
    const eq = line.indexOf('=');
    if (eq < 0 || line.slice(0, eq).trim() !== key) continue;
    const v = line.slice(eq + 1).trim();
    const q = v[0];
    if ((q === '"' || q === "'") && v.indexOf(q, 1) > 0) return v.slice(1, v.indexOf(q, 1));
  }
  return undefined;
}

/** `key=value` of a Java properties file (flyway.conf). */
function confValue(text: string, key: string): string | undefined {
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('#') || line.startsWith('!')) continue;
    const eq = line.indexOf('=');
    if (eq > 0 && line.slice(0, eq).trim() === key) return line.slice(eq + 1).trim();
  }
  return undefined;
}
