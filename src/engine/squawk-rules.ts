/**
 * squawk's rule names (sbdchd/squawk, crates/squawk_linter/src/lib.rs, `TryFrom<&str> for Rule`,
 * at commit 5125ddf5) and the godwit rules that check the same thing, so that a project coming
 * from squawk keeps its `-- squawk-ignore …` comments and its `.squawk.toml` (docs/squawk.md).
 * An empty list: godwit has no such rule (the comment suppresses nothing, and says nothing).
 */
export const SQUAWK_RULES: Readonly<Record<string, readonly string[]>> = {
  'require-concurrent-index-creation': ['require-concurrent-index'],
  'require-concurrent-index-deletion': ['require-concurrent-index-drop'],
  'constraint-missing-not-valid': ['require-not-valid-constraint'],
  'adding-field-with-default': ['no-rewriting-default'],
  'adding-foreign-key-constraint': ['require-not-valid-constraint'],
  'changing-column-type': ['no-column-type-change'],
  'adding-not-nullable-field': ['no-set-not-null'],
  'adding-serial-primary-key-field': ['require-using-index', 'no-rewriting-default'],
  'renaming-column': ['no-rename-column'],
  'renaming-table': ['no-rename-table'],
  'disallowed-unique-constraint': ['require-using-index'],
  'ban-drop-database': ['no-drop-database'],
  'prefer-bigint-over-int': ['prefer-bigint'],
  'prefer-bigint-over-smallint': ['prefer-bigint'],
  'prefer-identity': ['prefer-identity'],
  'prefer-repack': ['no-table-rewrite'],
  'prefer-robust-stmts': ['prefer-robust-stmts'],
  'prefer-text-field': ['prefer-text'],
  'prefer-timestamptz': ['prefer-timestamptz'],
  'prefer-timestamp-tz': ['prefer-timestamptz'],
  'ban-char-field': ['prefer-text'],
  'ban-drop-column': ['no-drop-column'],
  'ban-drop-table': ['no-drop-table'],
  'ban-drop-not-null': ['no-drop-not-null'],
  'transaction-nesting': ['no-transaction-nesting'],
  'adding-required-field': ['no-add-column-not-null'],
  'ban-concurrent-index-creation-in-transaction': ['no-concurrently-in-transaction'],
  'unused-ignore': ['unused-suppression'],
  'ban-create-domain-with-constraint': ['no-domain-constraint'],
  'ban-alter-domain-with-add-constraint': ['no-domain-constraint'],
  'ban-truncate-cascade': ['no-truncate'],
  'require-timeout-settings': ['require-lock-timeout', 'require-statement-timeout'],
  'ban-uncommitted-transaction': ['no-uncommitted-transaction'],
  'require-enum-value-ordering': [],
  'require-table-schema': [],
  'identifier-too-long': ['identifier-too-long'],
  'require-concurrent-partition-detach': ['require-concurrent-detach'],
  'require-concurrent-reindex': ['require-concurrent-reindex'],
  'require-lock-timeout': ['require-lock-timeout'],
  'require-statement-timeout': ['require-statement-timeout'],
  'ban-duplicate-column-assignments': [],
};

export const SQUAWK_RULE_NAMES: readonly string[] = Object.keys(SQUAWK_RULES);

/** The godwit rules for a squawk rule name, or undefined when squawk has no rule of that name. */
export function godwitRulesForSquawk(name: string): readonly string[] | undefined {
  return Object.prototype.hasOwnProperty.call(SQUAWK_RULES, name) ? SQUAWK_RULES[name] : undefined;
}
