/**
 * The trace's own session objects, in pg_temp (gone with the session, or with the rollback
 * when made inside the trace transaction):
 *
 *   pg_temp.godwit_run(sql, rows)  runs ONE statement of the migration or its history. On a
 *                                  server it is SECURITY DEFINER, owned by the restricted role:
 *                                  inside it PostgreSQL refuses SET ROLE and SET SESSION
 *                                  AUTHORIZATION (static or dynamic), so nothing the migration
 *                                  runs can climb back to the URL's user. A statement that
 *                                  returns rows is read through a cursor and its rows dropped
 *                                  in the server: nothing is sent to godwit (a 600 MB result
 *                                  costs no memory here), and a cursor refuses a string of
 *                                  several statements.
 *   pg_temp.godwit_check()         called in the same statement, just before godwit_run:
 *                                  fails unless godwit_run is exactly what godwit made (the
 *                                  migration owns it and could make it SECURITY INVOKER), the
 *                                  settings that decide how PostgreSQL splits SQL are as
 *                                  godwit reads it (standard_conforming_strings on, UTF8), and
 *                                  the session's identity is unchanged.
 *   pg_temp.godwit_snapshot()      the locks, relations and settings after each statement.
 *
 * godwit_check and godwit_snapshot belong to the URL's user (the migration cannot alter them)
 * and run with search_path = pg_catalog, pg_temp: a migration that sets its own search_path
 * with its own operators cannot get its code run by godwit's queries.
 */
import { quoteLiteral } from './engine.js';

/** The errors godwit_check raises (SQLSTATE class GW: godwit). */
export const CHECK_ERRORS = { run: 'GWT01', settings: 'GWT02', identity: 'GWT03' } as const;

export const RUN_SIGNATURE = 'pg_temp.godwit_run(text,boolean)';
export const RUN_CALL = 'SELECT pg_temp.godwit_run($1, $2) FROM pg_temp.godwit_check()';
export const SNAPSHOT_CALL = 'SELECT * FROM pg_temp.godwit_snapshot()';

/** godwit_run's body, exactly (godwit_check compares it with pg_proc.prosrc). */
export const RUN_BODY = `
DECLARE r record;
BEGIN
  IF $2 THEN
    FOR r IN EXECUTE $1 LOOP END LOOP;
  ELSE
    EXECUTE $1;
  END IF;
END
`;

export function runFunctionSql(securityDefiner: boolean): string {
  return `CREATE OR REPLACE FUNCTION pg_temp.godwit_run(text, boolean) RETURNS void LANGUAGE plpgsql${securityDefiner ? ' SECURITY DEFINER' : ''} AS $godwit_run$${RUN_BODY}$godwit_run$`;
}

export interface CheckExpectations {
  /** pg_proc oid of godwit_run */
  runOid: string;
  /** its owner's oid (the role the statements run as) */
  ownerOid: string;
  securityDefiner: boolean;
  /** session_user and current_user while the migration's statements run */
  sessionUser: string;
  currentUser: string;
}

export function checkFunctionSql(e: CheckExpectations): string {
  const err = (code: string, message: string): string => `RAISE EXCEPTION USING ERRCODE = '${code}', MESSAGE = ${quoteLiteral(message)};`;
  return `CREATE OR REPLACE FUNCTION pg_temp.godwit_check() RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $godwit_check$
BEGIN
  IF to_regprocedure('${RUN_SIGNATURE}') IS DISTINCT FROM ${Number(e.runOid)}::oid OR NOT EXISTS (
       SELECT 1 FROM pg_proc p
        WHERE p.oid = ${Number(e.runOid)}::oid AND p.prosecdef = ${e.securityDefiner} AND p.proowner = ${Number(e.ownerOid)}::oid
          AND p.proconfig IS NULL AND p.prosrc = ${quoteLiteral(RUN_BODY)}
          AND p.prolang = (SELECT l.oid FROM pg_language l WHERE l.lanname = 'plpgsql')) THEN
    ${err(CHECK_ERRORS.run, "the migration changed the trace's own function pg_temp.godwit_run")}
  END IF;
  IF current_setting('standard_conforming_strings') <> 'on' OR upper(current_setting('client_encoding')) <> 'UTF8' THEN
    ${err(CHECK_ERRORS.settings, 'standard_conforming_strings or client_encoding is no longer what godwit reads the migration with')}
  END IF;
  IF session_user::text <> ${quoteLiteral(e.sessionUser)} OR current_user::text <> ${quoteLiteral(e.currentUser)} THEN
    ${err(CHECK_ERRORS.identity, 'the session no longer runs as the role godwit chose')}
  END IF;
END
$godwit_check$`;
}

/**
 * One query: the user relations (every schema but pg_catalog and information_schema; TOAST
 * tables flagged), the session's granted relation locks in this database, the top-level
 * transaction id (to prove the transaction never ended), and the settings and identity
 * godwit_check guards. Catalog relations (oid < 16384, the ones this query itself locks) are
 * left out.
 */
const SNAPSHOT_SQL = `SELECT 'r'::text AS t, c.oid::text AS oid, n.nspname::text AS schema, c.relname::text AS name, c.relkind::text AS kind, c.relfilenode::text AS filenode,
       (SELECT string_agg(i.inhparent::text, ',') FROM pg_inherits i WHERE i.inhrelid = c.oid) AS parents
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND c.oid >= 16384
UNION ALL
SELECT 'l', l.relation::text, NULL, NULL, NULL, l.mode, NULL
  FROM pg_locks l
 WHERE l.locktype = 'relation' AND l.granted AND l.pid = pg_backend_pid()
   AND l.database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())
   AND l.relation >= 16384
UNION ALL
SELECT 'x', txid_current()::text, NULL, NULL, NULL, NULL, NULL
UNION ALL
SELECT 's', current_setting('standard_conforming_strings'), upper(current_setting('client_encoding')), session_user::text, current_user::text, NULL, NULL`;

export const SNAPSHOT_FUNCTION = `CREATE OR REPLACE FUNCTION pg_temp.godwit_snapshot() RETURNS TABLE (t text, oid text, schema text, name text, kind text, filenode text, parents text)
LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $godwit_snapshot$
${SNAPSHOT_SQL}
$godwit_snapshot$`;

/** Whether a statement's rows are read through a cursor (a plain SELECT / VALUES / TABLE, no INTO, no data-modifying WITH). */
export function returnsRows(kind: string, body: any): boolean {
  if (kind !== 'SelectStmt' || body?.intoClause) return false;
  const ctes: any[] = body?.withClause?.ctes ?? [];
  return ctes.every((c) => Object.keys(c?.CommonTableExpr?.ctequery ?? { SelectStmt: 1 })[0] === 'SelectStmt');
}

/** An error godwit_check raised, as the reason the trace stops. */
export function checkFailure(e: unknown): string | undefined {
  const code = (e as { code?: unknown })?.code;
  if (code === CHECK_ERRORS.run || code === CHECK_ERRORS.settings || code === CHECK_ERRORS.identity) return String((e as Error).message);
  return undefined;
}
