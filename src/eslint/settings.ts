/**
 * `settings.godwit` in an ESLint config: what `godwit lint` takes as flags (docs/eslint.md).
 * Checked, so that a typo is an error rather than a silently ignored setting.
 */
import { isRunnerName, type RunnerName } from '../sources/index.js';
import type { TransactionMode } from '../analysis/transactions.js';

export interface GodwitSettings {
  /** like `godwit lint --config`: this godwit config for every file, no search (relative to ESLint's cwd) */
  configFile?: string;
  pgVersion?: number;
  runner?: RunnerName | 'auto';
  transaction?: TransactionMode | 'auto';
  /** a `pg_dump --schema-only` file seeding the catalog (relative to ESLint's cwd) */
  schema?: string;
}

const SETTING_KEYS = ['configFile', 'pgVersion', 'runner', 'transaction', 'schema'];
const TRANSACTIONS = ['auto', 'none', 'file', 'all', 'implicit'];

/** `settings.godwit`, checked: a mistake there is an error, not a silent default. */
export function readSettings(settings: Record<string, unknown> | undefined): GodwitSettings {
  const raw = settings?.godwit;
  if (raw === undefined) return {};
  const fail = (what: string): never => {
    throw new TypeError(`godwit: settings.godwit${what}`);
  };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail(' must be an object');
  const s = raw as Record<string, unknown>;
  for (const k of Object.keys(s)) if (!SETTING_KEYS.includes(k)) fail(`: unknown key "${k}" (allowed: ${SETTING_KEYS.join(', ')})`);
  if (s.pgVersion !== undefined && (!Number.isInteger(s.pgVersion) || (s.pgVersion as number) < 9 || (s.pgVersion as number) > 99)) fail('.pgVersion must be a PostgreSQL major version: an integer from 9 to 99');
  if (s.runner !== undefined && s.runner !== 'auto' && !isRunnerName(String(s.runner))) fail(`.runner must be auto or a runner name (got ${JSON.stringify(s.runner)})`);
  if (s.transaction !== undefined && !TRANSACTIONS.includes(String(s.transaction))) fail(`.transaction must be one of ${TRANSACTIONS.join(', ')}`);
  for (const k of ['configFile', 'schema']) if (s[k] !== undefined && (typeof s[k] !== 'string' || s[k] === '')) fail(`.${k} must be a path`);
  return s as GodwitSettings;
}
