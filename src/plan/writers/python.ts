/**
 * Phase files for the Python runners, each phase its own migration in the runner's layout:
 *
 *   alembic  <rev>_name.py: `revision`/`down_revision` chained after the root's head, each
 *            statement an `op.execute("""…""")`; a phase outside a transaction runs inside
 *            `with op.get_context().autocommit_block():`; the rollback in `downgrade()`
 *   django   <app>/migrations/NNNN_name.py numbered after the app's last migration, one
 *            `migrations.RunSQL(sql=…, reverse_sql=…)` per phase, `atomic = False` for a phase
 *            outside a transaction (RunSQL changes the database, not Django's model state: a note
 *            says to add the matching state_operations)
 */
import { createHash } from 'node:crypto';
import { basename, dirname } from 'node:path';
import type { Phase, Plan } from '../types.js';
import type { LayoutTarget, OutputFile, SqlOutput } from './sql.js';

/** A Python triple-quoted string holding `s` exactly. */
function pyString(s: string): string {
  const body = s.replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"');
  return `"""${body.endsWith('"') ? body.slice(0, -1) + '\\"' : body}"""`;
}

function indent(s: string, by: string): string {
  return s
    .split('\n')
    .map((l) => (l ? by + l : l))
    .join('\n');
}

/** A revision id as Alembic writes them (12 hex digits), derived from the plan so a rerun gives the same ids. */
function revisionId(plan: Plan, p: Phase, base: string): string {
  return createHash('sha1').update(`${plan.file}\0${base}\0${p.index}\0${p.sql.join(';')}`).digest('hex').slice(0, 12);
}

function docComment(head: string): string {
  return head
    .split('\n')
    .map((l) => l.replace(/^-- ?/, ''))
    .join('\n');
}

export function alembicFiles(plan: Plan, target: LayoutTarget, head: (p: Phase) => string): SqlOutput {
  const files: OutputFile[] = [];
  let down: string | undefined = target.files.at(-1)?.version;
  for (const p of plan.phases) {
    const rev = revisionId(plan, p, target.base);
    const name = `${target.base}_${p.name}`.slice(0, 60);
    const exec = (sql: string[]): string => (sql.length ? sql.map((s) => `op.execute(${pyString(s)})`).join('\n') : 'pass');
    const up = p.transaction ? indent(exec(p.sql), '    ') : `    with op.get_context().autocommit_block():\n${indent(exec(p.sql), '        ')}`;
    const rollback = p.rollback.length ? (p.transaction ? indent(exec(p.rollback), '    ') : `    with op.get_context().autocommit_block():\n${indent(exec(p.rollback), '        ')}`) : '    pass';
    const content = [
      `"""${docComment(head(p)).replace(/"""/g, "'''")}\n\nRevision ID: ${rev}\nRevises: ${down ?? ''}\n"""`,
      'from alembic import op',
      '',
      `revision = "${rev}"`,
      `down_revision = ${down ? `"${down}"` : 'None'}`,
      'branch_labels = None',
      'depends_on = None',
      '',
      '',
      'def upgrade():',
      up,
      '',
      '',
      'def downgrade():',
      rollback,
      '',
    ].join('\n');
    files.push({ path: `${rev}_${name}.py`, content, phase: p.index });
    down = rev;
  }
  return { files, notes: [] };
}

export function djangoFiles(plan: Plan, target: LayoutTarget, head: (p: Phase) => string): SqlOutput {
  const files: OutputFile[] = [];
  const notes: string[] = [];
  const planned = target.files.find((f) => f.path === plan.file) ?? target.files.at(-1);
  const app = planned ? planned.version.split('.')[0] : 'app';
  const appFiles = target.files.filter((f) => f.version.startsWith(`${app}.`));
  let last = appFiles.at(-1)?.version.split('.')[1];
  let n = Math.max(0, ...appFiles.map((f) => Number(/^\d+/.exec(f.version.split('.')[1])?.[0] ?? 0))) + 1;
  const dir = planned ? basename(dirname(planned.path)) : 'migrations';
  for (const p of plan.phases) {
    const name = `${String(n++).padStart(4, '0')}_${`${target.base}_${p.name}`.slice(0, 60)}`;
    const sql = (list: string[]): string => (list.length ? `[\n${list.map((s) => `                ${pyString(s)},`).join('\n')}\n            ]` : 'migrations.RunSQL.noop');
    const content = [
      `# ${docComment(head(p)).split('\n').join('\n# ')}`,
      'from django.db import migrations',
      '',
      '',
      'class Migration(migrations.Migration):',
      ...(p.transaction ? [] : ['    atomic = False', '']),
      `    dependencies = [${last ? `("${app}", "${last}")` : ''}]`,
      '',
      '    operations = [',
      '        migrations.RunSQL(',
      `            sql=${sql(p.sql)},`,
      `            reverse_sql=${sql(p.rollback)},`,
      '        ),',
      '    ]',
      '',
    ].join('\n');
    files.push({ path: `${app}/${dir}/${name}.py`, content, phase: p.index });
    last = name;
  }
  notes.push('RunSQL changes the database but not Django’s model state: add the matching state_operations (or update the models and run makemigrations --empty) so the next makemigrations does not repeat these changes');
  return { files, notes };
}
