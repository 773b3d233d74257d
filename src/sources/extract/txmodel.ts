/**
 * The transaction model of a JS/TS migration, call by call (engine hook
 * LintOptions.transactionModel). Each call sends its SQL as one query string on the
 * migration's connection:
 *
 * - inside the runner's transaction (TypeORM/Knex/Kysely/node-pg-migrate/MikroORM defaults),
 *   every statement of every call shares it;
 * - inside a transaction the migration opens itself (Sequelize `{ transaction: t }`,
 *   knex.transaction(trx => …)), the calls of that transaction share it;
 * - otherwise a call of one statement runs in autocommit, and a call of several statements
 *   runs as PostgreSQL's implicit transaction block (exec_simple_query), which ends with the
 *   call — so `CREATE INDEX CONCURRENTLY` alone in its call is fine, and fails when it shares
 *   its query string with other statements. A builder call sends its statements one query each
 *   (Knex, TypeORM, Kysely, Alembic, Django) unless BuilderCall.queries groups them (Sequelize's
 *   changeColumn sends its ALTERs as one string); a Django RunSQL script is sent statement by
 *   statement (Fragment.eachStatement);
 * - a call that runs outside the runner's transaction (Alembic's autocommit_block:
 *   CallBase.outsideTransaction) is not wrapped, and the runner's transaction after it is a new one.
 *
 * Explicit BEGIN/COMMIT in the SQL behave as in analysis/transactions.ts: BEGIN inside a
 * transaction is nesting, BEGIN in an implicit block turns it into an explicit one that stays
 * open after the call, COMMIT/ROLLBACK end whatever is open.
 */
import { txControl, type TransactionModel, type TxInfo } from '../../analysis/transactions.js';
import type { Statement } from '../../dialects/postgresql/types.js';
import { pieceAt, type VirtualDocument } from './document.js';
import type { BuilderCall, ExtractedCall, ExtractedMigration } from './types.js';

export function modelCallTransactions(statements: Statement[], doc: VirtualDocument, m: ExtractedMigration): TransactionModel {
  const info: TxInfo[] = new Array(statements.length);
  // statements grouped by the query string that sends them: a call's SQL, or one query of a builder call
  const byQuery = new Map<string, Statement[]>();
  const callOf = new Map<string, ExtractedCall | undefined>();
  const order: string[] = [];
  const ids = new Map<ExtractedCall, number>();
  for (const s of statements) {
    const call = callAt(doc, s.start);
    if (call && !ids.has(call)) ids.set(call, ids.size);
    const part = call?.kind === 'builder' ? queryOf(call, pieceAt(doc, s.start, 'start')?.part ?? 0) : call?.eachStatement ? s.index : 0;
    const key = `${call ? ids.get(call) : '-'}:${part}`;
    if (!byQuery.has(key)) {
      byQuery.set(key, []);
      callOf.set(key, call);
      order.push(key);
    }
    byQuery.get(key)!.push(s);
  }

  let nextId = 0;
  /** transaction ids of wrapping groups (runner per direction, or the migration's own) */
  const groups = new Map<string, number>();
  const closedGroups = new Set<string>();
  let explicit: { id: number; openedAt: number } | null = null;
  /** bumped by a call that runs outside the runner's transaction: the runner commits before it and begins anew after */
  let epoch = 0;
  let last: ExtractedCall | undefined;

  for (const key of order) {
    const stmts = byQuery.get(key)!;
    const call = callOf.get(key);
    if (call?.outsideTransaction && call !== last) epoch++;
    last = call;
    const wrap = wrapOf(call, m, epoch);
    let current: number | null = null;
    let implicit = false;
    let origin: string | undefined;
    if (wrap && !closedGroups.has(wrap.key)) {
      if (!groups.has(wrap.key)) groups.set(wrap.key, nextId++);
      current = groups.get(wrap.key)!;
      origin = wrap.origin;
    } else if (stmts.length > 1) {
      current = nextId++;
      implicit = true;
      origin = `inside the implicit transaction PostgreSQL opens for a query string of several statements (this ${call && call.kind !== 'control' ? `${call.callee}() call` : 'call'} sends them as one query)`;
    }
    stmts.forEach((s, i) => {
      const ctl = txControl(s);
      if (explicit) {
        if (ctl === 'begin') info[s.index] = { inTransaction: true, id: explicit.id, explicit: true, nested: true };
        else if (ctl === 'commit' || ctl === 'rollback') {
          info[s.index] = { inTransaction: true, id: explicit.id, explicit: true, closes: explicit.id };
          explicit = null;
          current = implicit && i < stmts.length - 1 ? nextId++ : null;
        } else info[s.index] = { inTransaction: true, id: explicit.id, explicit: true };
        return;
      }
      if (ctl === 'begin') {
        if (current !== null && !implicit) {
          info[s.index] = { inTransaction: true, id: current, explicit: false, nested: true, ...(origin ? { origin } : {}) };
        } else if (current !== null) {
          // BEGIN turns the implicit block into an explicit one (no warning); it outlives the call
          explicit = { id: current, openedAt: s.index };
          info[s.index] = { inTransaction: true, id: current, explicit: true };
        } else {
          explicit = { id: nextId++, openedAt: s.index };
          info[s.index] = { inTransaction: false, id: explicit.id, explicit: true };
        }
        return;
      }
      if (ctl === 'commit' || ctl === 'rollback') {
        info[s.index] = { inTransaction: current !== null, id: current, explicit: false, closes: current, ...(origin && current !== null ? { origin } : {}) };
        if (wrap && !implicit && current !== null) closedGroups.add(wrap.key); // the runner's transaction ended early
        current = implicit && i < stmts.length - 1 ? nextId++ : null;
        return;
      }
      info[s.index] = current === null ? { inTransaction: false, id: null, explicit: false } : { inTransaction: true, id: current, explicit: false, ...(origin ? { origin } : {}) };
    });
  }
  for (let i = 0; i < info.length; i++) info[i] ??= { inTransaction: false, id: null, explicit: false };
  return { info, unclosedBegin: explicit ? (explicit as { openedAt: number }).openedAt : null };
}

/** The transaction that wraps a call, if any: the runner's, or one the migration opens itself. */
function wrapOf(call: ExtractedCall | undefined, m: ExtractedMigration, epoch: number): { key: string; origin: string } | undefined {
  if (!call || call.outsideTransaction) return undefined;
  if (m.wrapped) return { key: `runner:${call.direction}:${epoch}`, origin: m.txOrigin };
  if (call.jsTransaction) return { key: call.jsTransaction.key, origin: `inside ${call.jsTransaction.label}` };
  return undefined;
}

/** Which query string of a builder call sends its statement `part` (BuilderCall.queries; default one each). */
function queryOf(call: BuilderCall, part: number): number {
  if (!call.queries) return part;
  let end = 0;
  for (let q = 0; q < call.queries.length; q++) {
    end += call.queries[q];
    if (part < end) return q;
  }
  return call.queries.length;
}

function callAt(doc: VirtualDocument, offset: number): ExtractedCall | undefined {
  for (const [call, [a, b]] of doc.spans) if (offset >= a && offset < b) return call;
  return undefined;
}
