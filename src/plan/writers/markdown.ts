/** The plan as a runbook for the pull request: phases, SQL, verification, rollback, checklists. */
import type { Phase, Plan } from '../types.js';

function fence(sql: string[] | string): string {
  const text = Array.isArray(sql) ? sql.map((s) => `${s};`).join('\n\n') : sql;
  return '```sql\n' + text + '\n```';
}

function runs(p: Phase): string {
  if (p.repeat) return 'one batch per run: repeat until it reports 0 rows';
  return p.transaction ? 'in one transaction' : 'outside a transaction block, alone';
}

function phaseSection(p: Phase, files?: string[]): string {
  const out: string[] = [];
  out.push(`### Phase ${p.index} — ${p.title}${p.irreversible ? ' ⚠️ irreversible' : ''}`);
  out.push('');
  out.push(`Runs ${runs(p)}.${files?.length ? ` Files: ${files.map((f) => `\`${f}\``).join(', ')}.` : ''}`);
  if (p.irreversible || p.checklist.length) {
    out.push('', '**Pre-flight checklist**', '');
    for (const c of p.checklist) out.push(`- [ ] ${c}`);
  }
  const before = p.verify.filter((v) => v.before);
  if (before.length) {
    out.push('', '**Before**', '');
    for (const v of before) out.push(`- ${v.label}${v.requires ? ` (needs ${v.requires})` : ''}`, '', indent(fence(v.sql)), '');
  }
  out.push('', fence(p.sql));
  if (p.commands.length) out.push('', 'Then run, outside the migration runner:', '', '```sh\n' + p.commands.join('\n') + '\n```');
  for (const n of p.notes) out.push('', `> ${n}`);
  const after = p.verify.filter((v) => !v.before);
  if (after.length) {
    out.push('', '**Verify**', '');
    for (const v of after) out.push(`- ${v.label}`, '', indent(fence(v.sql)), '');
  }
  const missing = [...(p.lost.length ? [`the data of ${p.lost.join(', ')} (restore it from a backup)`] : []), ...p.unrestored];
  out.push('', `**Rollback**${missing.length ? ` — does not bring back ${missing.join('; ')}` : ''}`, '');
  out.push(p.rollback.length ? fence(p.rollback) : '_Nothing to undo._');
  if (p.restore.length) {
    out.push('', 'Then finish the restore outside the migration runner, in this order (each block one transaction, or one statement alone):');
    for (const u of p.restore) out.push('', `- ${u.label}${u.repeat ? ' (one batch per run: repeat until it reports 0 rows)' : ''}`, '', indent(fence(u.transaction && !u.repeat ? [`BEGIN`, ...u.sql, 'COMMIT'] : u.sql)));
  }
  return out.join('\n');
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => (l ? `  ${l}` : l))
    .join('\n');
}

export function markdownRunbook(plan: Plan, opts: { files?: Map<number, string[]>; title?: string } = {}): string {
  const out: string[] = [];
  out.push(`# Migration plan: \`${opts.title ?? plan.file}\``);
  out.push('');
  const changes = plan.changes.length;
  out.push(
    changes
      ? `godwit found ${changes} change${changes > 1 ? 's' : ''} that cannot run safely as written and rewrote the migration as ${plan.phases.length} phase${plan.phases.length > 1 ? 's' : ''} (runner: ${plan.runner}, PostgreSQL ${plan.pgVersion}).`
      : `Nothing in this migration needs an expand-contract plan (runner: ${plan.runner}, PostgreSQL ${plan.pgVersion}).`,
  );
  if (changes) {
    out.push('', '| change | line | plan |', '|---|---|---|');
    for (const c of plan.changes) out.push(`| ${c.title} | ${c.line} | \`${c.kind}\` |`);
    out.push('', '| # | phase | release | runs |', '|---|---|---|---|');
    for (const p of plan.phases) out.push(`| ${p.index} | ${p.title}${p.irreversible ? ' ⚠️' : ''} | ${p.release} | ${runs(p)} |`);
  }
  const release1 = plan.phases.filter((p) => p.release === 1);
  const release2 = plan.phases.filter((p) => p.release === 2);
  if (release1.length) {
    out.push('', '## Release 1 — safe while the current application runs', '');
    out.push('Deploy these phases in order; each one is safe with the code that is deployed now.');
    for (const p of release1) out.push('', phaseSection(p, opts.files?.get(p.index)));
  }
  if (plan.switchNotes.length) {
    out.push('', '## Switch the application', '');
    for (const s of plan.switchNotes) out.push(`- [ ] ${s}`);
  }
  if (release2.length) {
    out.push('', '## Release 2 — after the application switch', '');
    out.push('Merge these phases in a later pull request, once every deployed version uses the new schema.');
    for (const p of release2) out.push('', phaseSection(p, opts.files?.get(p.index)));
  }
  const notes = [
    ...plan.changes.flatMap((c) => c.notes.map((n) => `${c.title}: ${n}`)),
    ...plan.unplanned.map((u) => `not planned (kept as written): \`${u.source}\` — ${u.reason}`),
    ...plan.dropped.map((d) => `left out: \`${d.source}\` — ${d.reason}`),
    ...plan.notes,
  ];
  if (notes.length) {
    out.push('', '## Notes', '');
    for (const n of notes) out.push(`- ${n}`);
  }
  return out.join('\n') + '\n';
}
