/**
 * Phase files in the runner's own layout and naming (docs/runners.md), each phase its own
 * migration, numbered after the root's last migration, with the runner's way of saying
 * "not in a transaction" where a phase needs it and its rollback where the runner keeps one:
 *
 *   plain           NNN_name.sql, BEGIN/COMMIT written out for transactional phases, the rollback as a comment
 *   plain (pop)     <version>_name.postgres.up.sql / .down.sql; `.autocommit.` outside a transaction
 *   golang-migrate  NNNN_name.up.sql + NNNN_name.down.sql (the file is one implicit transaction)
 *   prisma          <timestamp>_name/migration.sql (+ down.sql, Prisma's convention for down scripts)
 *   flyway          V<n>__name.sql + U<n>__name.sql; `V<n>__name.sql.conf` executeInTransaction=false
 *   goose           <version>_name.sql with Up and Down sections; `-- +goose NO TRANSACTION`;
 *                   bodies with `;` inside StatementBegin/StatementEnd
 *   dbmate          <timestamp>_name.sql with `-- migrate:up` / `-- migrate:down` [transaction:false]
 *   diesel          <date>_name/up.sql + down.sql (+ metadata.toml run_in_transaction = false)
 *   node-pg-migrate <ms>_name.sql with `-- Up Migration` / `-- Down Migration`
 *   atlas           <timestamp>_name.sql, `-- atlas:txmode none` (rollback as a comment: Atlas plans downs itself)
 *   drizzle         NNNN_name.sql with `--> statement-breakpoint` (journal entries to add by hand)
 */
import type { RunnerName } from '../../sources/types.js';
import type { Phase, Plan } from '../types.js';

export interface OutputFile {
  /** relative to the output directory, `/`-separated */
  path: string;
  content: string;
  /** the phase it belongs to */
  phase?: number;
}

export interface LayoutTarget {
  runner: RunnerName;
  flavor?: 'pop';
  /** the root's up migrations in run order: their versions and file paths */
  files: Array<{ path: string; version: string }>;
  /** the planned migration's name without version and extension: `rename_email` */
  base: string;
  /** the clock for timestamp versions (tests pass a fixed one) */
  now?: Date;
}

export interface SqlOutput {
  files: OutputFile[];
  /** things the user must do that godwit cannot (journal entries, checksums) */
  notes: string[];
}

const pad = (n: number): string => String(n).padStart(2, '0');

function stamp14(d: Date): bigint {
  return BigInt(`${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`);
}

const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);

function digitsOf(version: string): string | undefined {
  const d = version.replace(/-/g, '');
  return /^\d+$/.test(d) ? d : undefined;
}

/** The last numeric version of the root and its width. */
function lastNumber(target: LayoutTarget): { value: bigint; width: number } | undefined {
  let best: { value: bigint; width: number } | undefined;
  for (const f of target.files) {
    const d = digitsOf(f.version) ?? /^\d+/.exec(f.version)?.[0];
    if (!d) continue;
    const value = BigInt(d);
    if (!best || value >= best.value) best = { value, width: d.length };
  }
  return best;
}

/** `count` versions after the root's last one, in the runner's format. */
export function nextVersions(target: LayoutTarget, count: number): string[] {
  const now = target.now ?? new Date();
  const last = lastNumber(target);
  const seq = (start: bigint, width: number): string[] => Array.from({ length: count }, (_, i) => String(start + BigInt(i)).padStart(width, '0'));
  switch (target.runner) {
    case 'flyway': {
      const versions = target.files.map((f) => f.version).filter((v) => /^\d+(\.\d+)*$/.test(v));
      const top = versions.sort((a, b) => cmpDotted(a, b)).pop();
      const parts = top ? top.split('.').map(Number) : [0];
      return Array.from({ length: count }, (_, i) => [...parts.slice(0, -1), parts[parts.length - 1] + i + 1].join('.'));
    }
    case 'drizzle':
      return seq(BigInt(target.files.length), 4);
    case 'prisma':
    case 'atlas':
      return seq(max(stamp14(now), (last?.value ?? 0n) + 1n), 14);
    case 'diesel': {
      const dashed = !target.files.length || target.files.some((f) => f.version.includes('-'));
      return seq(max(stamp14(now), (last?.value ?? 0n) + 1n), 14).map((d) => (dashed ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}-${d.slice(8)}` : d));
    }
    case 'node-pg-migrate': {
      if (last && last.width === 17) return seq(max(BigInt(`${stamp14(now)}000`), last.value + 1n), 17);
      return seq(max(BigInt(now.getTime()), (last?.value ?? 0n) + 1n), 13);
    }
    case 'golang-migrate':
    case 'goose':
    case 'dbmate':
    case 'plain': {
      if (!last) return target.runner === 'golang-migrate' ? seq(1n, 6) : target.runner === 'plain' ? seq(1n, 3) : seq(stamp14(now), 14);
      if (last.width >= 14 && target.runner !== 'plain') return seq(max(stamp14(now), last.value + 1n), last.width === 14 ? 14 : last.width);
      if (last.width === 10 && last.value > 1_000_000_000n) return seq(max(BigInt(Math.floor(now.getTime() / 1000)), last.value + 1n), 10);
      return seq(last.value + 1n, last.width);
    }
    default:
      return seq((last?.value ?? 0n) + 1n, last?.width ?? 3);
  }
}

function cmpDotted(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

/** `-- ` before every line. */
export function commentOut(text: string): string {
  return text
    .split('\n')
    .map((l) => (l ? `-- ${l}` : '--'))
    .join('\n');
}

function statements(sql: string[]): string {
  return sql.map((s) => `${s};`).join('\n\n');
}

function outsideNote(runner: RunnerName, flavor?: 'pop'): string {
  switch (runner) {
    case 'golang-migrate':
    case 'prisma':
      return `outside a transaction block: it is the file's only statement, so ${runner} runs it on its own`;
    case 'diesel':
      return 'outside a transaction block: metadata.toml sets run_in_transaction = false and it is the only statement';
    case 'dbmate':
      return 'outside a transaction block: transaction:false, and it is the only statement';
    case 'flyway':
      return 'outside a transaction block: the .conf file next to it sets executeInTransaction=false';
    case 'goose':
      return 'outside a transaction block: -- +goose NO TRANSACTION';
    case 'atlas':
      return 'outside a transaction block: -- atlas:txmode none';
    case 'node-pg-migrate':
    case 'drizzle':
      return `outside a transaction block — ${runner} runs SQL migrations inside a transaction and cannot run this one: apply it with psql (psql -v ON_ERROR_STOP=1 -f <this file>) and record it as applied`;
    case 'plain':
      return flavor === 'pop' ? 'outside a transaction block: `.autocommit.` in the file name' : 'outside a transaction block (run it with psql -f, not inside BEGIN … COMMIT)';
    case 'alembic':
      return 'outside a transaction block: inside `with op.get_context().autocommit_block():`';
    case 'django':
      return 'outside a transaction block: the migration sets atomic = False';
    default:
      return 'outside a transaction block';
  }
}

/** The comment block at the top of every phase file. */
export function phaseHeader(plan: Plan, p: Phase, runner: RunnerName, flavor?: 'pop'): string {
  const lines: string[] = [];
  lines.push(`godwit plan for ${basenameOf(plan.file)} — phase ${p.index} of ${plan.phases.length}, release ${p.release}`);
  lines.push(p.title);
  lines.push(p.transaction ? 'Runs in one transaction.' : `Runs ${outsideNote(runner, flavor)}.`);
  if (p.repeat) lines.push('One batch per run: run it again until it reports 0 rows.');
  if (p.release === 2) {
    lines.push('');
    lines.push('RELEASE 2: deploy this only after the application switch:');
    for (const s of plan.switchNotes) lines.push(`  - ${s}`);
  }
  if (p.irreversible || p.checklist.length) {
    lines.push('');
    lines.push(`${p.irreversible ? 'IRREVERSIBLE — ' : ''}pre-flight checklist:`);
    for (const c of p.checklist) lines.push(`  [ ] ${c}`);
  }
  for (const n of p.notes) lines.push(`Note: ${n}`);
  const missing = [...p.lost.map((x) => `the data of ${x}`), ...p.unrestored];
  if (missing.length) lines.push(`The rollback does not bring back ${missing.join('; ')}: restore from a backup.`);
  const before = p.verify.filter((v) => v.before);
  const after = p.verify.filter((v) => !v.before);
  if (before.length) {
    lines.push('');
    lines.push('Before:');
    for (const v of before) lines.push(`  -- ${v.label}${v.requires ? ` (needs ${v.requires})` : ''}`, ...v.sql.split('\n').map((l) => `  ${l}`));
  }
  if (after.length) {
    lines.push('');
    lines.push('Verify:');
    for (const v of after) lines.push(`  -- ${v.label}`, ...v.sql.split('\n').map((l) => `  ${l}`));
  }
  return commentOut(lines.join('\n'));
}

function basenameOf(path: string): string {
  const parts = path.split(/[\\/]/);
  const last = parts[parts.length - 1];
  return ['migration.sql', 'up.sql'].includes(last) && parts.length > 1 ? `${parts[parts.length - 2]}/${last}` : last;
}

function rollbackText(p: Phase): string {
  return p.rollback.length ? statements(p.rollback) : commentOut(`nothing to undo for phase ${p.index}`);
}

function plainBody(p: Phase, sql: string[]): string {
  return p.transaction && !p.repeat ? `BEGIN;\n\n${statements(sql)}\n\nCOMMIT;` : statements(sql);
}

/** goose splits at `;` line ends: statements with `;` inside (DO blocks, functions) go in StatementBegin/End. */
function gooseStatements(sql: string[]): string {
  return sql.map((s) => (s.includes(';') ? `-- +goose StatementBegin\n${s};\n-- +goose StatementEnd` : `${s};`)).join('\n\n');
}

export function sqlFiles(plan: Plan, target: LayoutTarget): SqlOutput {
  const { runner, flavor } = target;
  const versions = nextVersions(target, plan.phases.length);
  const files: OutputFile[] = [];
  const notes: string[] = [];
  plan.phases.forEach((p, i) => {
    const first = files.length;
    const v = versions[i];
    const name = `${target.base}_${p.name}`.slice(0, 80);
    const head = phaseHeader(plan, p, runner, flavor);
    const up = statements(p.sql);
    const down = rollbackText(p);
    switch (runner) {
      case 'golang-migrate':
        files.push({ path: `${v}_${name}.up.sql`, content: `${head}\n\n${up}\n` }, { path: `${v}_${name}.down.sql`, content: `${commentOut(`rollback of phase ${p.index}: ${p.title}`)}\n\n${down}\n` });
        break;
      case 'prisma':
        files.push({ path: `${v}_${name}/migration.sql`, content: `${head}\n\n${up}\n` }, { path: `${v}_${name}/down.sql`, content: `${commentOut(`rollback of phase ${p.index} (prisma db execute --file down.sql, then prisma migrate resolve --rolled-back ${v}_${name})`)}\n\n${down}\n` });
        break;
      case 'flyway':
        files.push({ path: `V${v}__${name}.sql`, content: `${head}\n\n${up}\n` }, { path: `U${v}__${name}.sql`, content: `${commentOut(`undo of phase ${p.index}: ${p.title}`)}\n\n${down}\n` });
        if (!p.transaction) {
          files.push({ path: `V${v}__${name}.sql.conf`, content: 'executeInTransaction=false\n' }, { path: `U${v}__${name}.sql.conf`, content: 'executeInTransaction=false\n' });
        }
        break;
      case 'goose':
        files.push({
          path: `${v}_${name}.sql`,
          content: `${p.transaction ? '' : '-- +goose NO TRANSACTION\n'}${head}\n\n-- +goose Up\n${gooseStatements(p.sql)}\n\n-- +goose Down\n${p.rollback.length ? gooseStatements(p.rollback) : commentOut(`nothing to undo for phase ${p.index}`)}\n`,
        });
        break;
      case 'dbmate': {
        const opt = p.transaction ? '' : ' transaction:false';
        files.push({ path: `${v}_${name}.sql`, content: `${head}\n\n-- migrate:up${opt}\n${up}\n\n-- migrate:down${opt}\n${down}\n` });
        break;
      }
      case 'diesel':
        files.push({ path: `${v}_${name}/up.sql`, content: `${head}\n\n${up}\n` }, { path: `${v}_${name}/down.sql`, content: `${commentOut(`rollback of phase ${p.index}: ${p.title}`)}\n\n${down}\n` });
        if (!p.transaction) files.push({ path: `${v}_${name}/metadata.toml`, content: 'run_in_transaction = false\n' });
        break;
      case 'node-pg-migrate':
        files.push({ path: `${v}_${name}.sql`, content: `${head}\n\n-- Up Migration\n${up}\n\n-- Down Migration\n${down}\n` });
        if (!p.transaction) notes.push(`${v}_${name}.sql must run outside a transaction, which node-pg-migrate cannot do for SQL files: apply it with psql and record it as run (or rewrite it as a JS migration with pgm.noTransaction())`);
        break;
      case 'atlas':
        files.push({ path: `${v}_${name}.sql`, content: `${p.transaction ? '' : '-- atlas:txmode none\n\n'}${head}\n\n${up}\n\n${commentOut(`rollback of phase ${p.index}:\n${down}`)}\n` });
        break;
      case 'drizzle': {
        const file = `${v}_${name}.sql`;
        files.push({ path: file, content: `${head}\n\n${p.sql.map((s) => `${s};`).join('\n--> statement-breakpoint\n')}\n\n${commentOut(`rollback of phase ${p.index}:\n${down}`)}\n` });
        if (!p.transaction) notes.push(`${file} must run outside a transaction, which drizzle's migrator cannot do: apply it with psql and leave it out of meta/_journal.json`);
        break;
      }
      case 'plain':
        if (flavor === 'pop') {
          const auto = p.transaction ? '' : '.autocommit';
          files.push({ path: `${v}_${name}.postgres${auto}.up.sql`, content: `${head}\n\n${up}\n` }, { path: `${v}_${name}.postgres${auto}.down.sql`, content: `${down}\n` });
        } else {
          // no down file: `NNN_name.down.sql` next to `NNN_name.sql` reads as a golang-migrate layout, and a
          // script that runs every *.sql would run it; the rollback is a comment block at the end
          files.push({ path: `${v}_${name}.sql`, content: `${head}\n\n${plainBody(p, p.sql)}\n\n${commentOut(`rollback of phase ${p.index}:\n${p.rollback.length ? plainBody(p, p.rollback) : down}`)}\n` });
        }
        break;
    }
    for (let k = first; k < files.length; k++) files[k].phase = p.index;
  });
  if (runner === 'atlas') notes.push('run `atlas migrate hash` to add the new files to atlas.sum');
  if (runner === 'drizzle') notes.push('add an entry for each new file to meta/_journal.json (drizzle-kit generate --custom --name <name> creates one; paste the SQL into it)');
  if (runner === 'prisma') notes.push('Prisma applies migration.sql only; down.sql is the rollback to run with prisma db execute');
  if (runner === 'flyway') notes.push('U… undo files are run by Flyway Teams (flyway undo); with Community, run them by hand');
  return { files, notes };
}
