/**
 * Who a migration runs as when `godwit trace --db-url` runs it: never the URL's user when that
 * user can reach outside the database (docs/trace.md, "Threat model").
 *
 * A role is "unsafe" when it, or any role it is a member of (through any chain, SET or
 * INHERIT), is a superuser, has CREATEROLE (which, before PostgreSQL 16, can grant any role
 * but superuser — pg_execute_server_program included) or REPLICATION (replication slots
 * outlive a rollback), or is a predefined role that reaches outside the database (server
 * programs and files, signals to other sessions, checkpoints, subscriptions).
 *
 *   URL user is a superuser        a restricted role is created inside the trace transaction
 *   (or has CREATEROLE)            (roles are transactional: the rollback removes it), NOLOGIN,
 *                                  no attributes, member only of the safe roles that own the
 *                                  database's objects; the session switches to it with SET
 *                                  SESSION AUTHORIZATION (superuser) or SET ROLE. As a
 *                                  superuser godwit also, inside the same transaction, makes the
 *                                  SECURITY DEFINER functions of unsafe owners SECURITY INVOKER
 *                                  and revokes the functions that act outside the transaction
 *                                  (pg_terminate_backend, dblink, …): all of it rolled back.
 *   any other user                 runs the migration itself, if it is safe
 *
 * Every migration statement then runs inside pg_temp.godwit_run, SECURITY DEFINER of that
 * role (session.ts), where PostgreSQL refuses SET ROLE / SET SESSION AUTHORIZATION.
 * What godwit cannot restrict it refuses (TraceRefused, exit 2) unless the user passed
 * --allow-unrestricted.
 */
import { quoteIdent, TraceRefused } from './engine.js';
import { checkFunctionSql, runFunctionSql, RUN_SIGNATURE, SNAPSHOT_FUNCTION } from './session.js';

type Query = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

/** Predefined roles that stay inside the database (reading, writing, statistics, maintenance). */
const HARMLESS_PREDEFINED = new Set([
  'pg_database_owner', 'pg_read_all_data', 'pg_write_all_data', 'pg_read_all_settings', 'pg_read_all_stats',
  'pg_stat_scan_tables', 'pg_monitor', 'pg_maintain', 'pg_use_reserved_connections',
]);

/**
 * Functions of pg_catalog whose effects a rollback does not undo or that reach other sessions,
 * server files or the server's configuration. Revoked (inside the rolled-back transaction) when
 * godwit is a superuser; most are superuser-only already, unless a DBA granted them.
 */
const OUTSIDE_FUNCTIONS = [
  'pg_cancel_backend', 'pg_terminate_backend', 'pg_reload_conf', 'pg_rotate_logfile', 'pg_switch_wal',
  'pg_create_restore_point', 'pg_promote', 'pg_log_backend_memory_contexts', 'pg_checkpoint',
  'pg_stat_reset', 'pg_stat_reset_shared', 'pg_stat_reset_single_table_counters', 'pg_stat_reset_single_function_counters',
  'pg_stat_reset_slru', 'pg_stat_reset_replication_slot', 'pg_stat_reset_subscription_stats',
  'pg_create_physical_replication_slot', 'pg_create_logical_replication_slot', 'pg_drop_replication_slot',
  'pg_copy_physical_replication_slot', 'pg_copy_logical_replication_slot', 'pg_replication_slot_advance', 'pg_logical_emit_message',
  'pg_replication_origin_create', 'pg_replication_origin_drop', 'pg_replication_origin_advance', 'pg_replication_origin_session_setup',
  'pg_import_system_collations', 'lo_import', 'lo_export', 'pg_read_file', 'pg_read_binary_file', 'pg_ls_dir', 'pg_stat_file',
  'pg_wal_replay_pause', 'pg_wal_replay_resume', 'pg_backup_start', 'pg_backup_stop', 'pg_start_backup', 'pg_stop_backup',
  'pg_file_write', 'pg_file_unlink', 'pg_file_rename', 'pg_file_sync', 'pg_stat_statements_reset',
];
/** Extensions whose every function reaches outside the transaction (dblink: other connections that commit). */
const OUTSIDE_EXTENSIONS = ['dblink', 'adminpack'];

interface Role {
  oid: string;
  name: string;
  superuser: boolean;
  createrole: boolean;
  replication: boolean;
}

export interface RestrictOptions {
  /** the statements' relations (godwit's lock facts): their owners must be roles the migration may act as */
  relations: string[];
  /** run unrestricted (with a warning) where godwit would refuse */
  allowUnrestricted: boolean;
  /** a role made beforehand and owning the (scratch) database: used instead of creating one */
  role?: string;
  /** the name for a role created here */
  newRole: string;
  /** the server's pid of this session (left out of "other sessions") */
  pid: number;
}

export interface Restriction {
  /** who the migration's statements run as */
  role: string;
  /** false: --allow-unrestricted and godwit could not restrict (warning says why) */
  restricted: boolean;
  warning?: string;
  /** what the session looks like while statements run (godwit_check) */
  sessionUser: string;
  currentUser: string;
}

/**
 * Set the session up: the helper functions, the restricted role, the switch to it. Runs as
 * the URL's user, inside the trace transaction (or, for a scratch database with a role made
 * beforehand, in autocommit there). Throws TraceRefused where godwit cannot restrict.
 */
export async function restrictSession(query: Query, opts: RestrictOptions): Promise<Restriction> {
  const roles = await query<{ oid: string; name: string; superuser: boolean; createrole: boolean; replication: boolean }>(
    `SELECT r.oid::pg_catalog.text AS oid, r.rolname::pg_catalog.text AS name, r.rolsuper AS superuser, r.rolcreaterole AS createrole, r.rolreplication AS replication FROM pg_catalog.pg_roles r`,
  );
  const members = await query<{ member: string; role: string }>(`SELECT m.member::pg_catalog.text AS member, m.roleid::pg_catalog.text AS role FROM pg_catalog.pg_auth_members m`);
  const byOid = new Map(roles.map((r) => [r.oid, r as Role]));
  const byName = new Map(roles.map((r) => [r.name, r as Role]));
  const why = unsafeReasons(byOid, members);
  const me = (await query<{ name: string }>(`SELECT pg_catalog.session_user()::pg_catalog.text AS name`))[0].name;
  const user = byName.get(me)!;

  const refuse = async (reason: string): Promise<Restriction> => {
    if (!opts.allowUnrestricted) throw new TraceRefused(`${reason}\nPass --allow-unrestricted to trace anyway with ${me}'s own rights, if you trust this migration and the server is disposable (docs/trace.md, "Threat model").`);
    await install(query, me, user.oid);
    return { role: me, restricted: false, warning: `tracing unrestricted: ${reason.split('\n')[0]} The migration runs with ${me}'s rights.`, sessionUser: me, currentUser: me };
  };

  // --- who the statements run as
  let role: string;
  let roleOid: string;
  const canCreate = user.superuser || user.createrole;
  if (opts.role) {
    role = opts.role;
    roleOid = (await query<{ oid: string }>(`SELECT r.oid::pg_catalog.text AS oid FROM pg_catalog.pg_roles r WHERE r.rolname = $1`, [role]))[0].oid;
    if (!user.superuser) await query(`GRANT ${quoteIdent(role)} TO ${quoteIdent(me)}`).catch(() => {});
  } else if (canCreate) {
    role = opts.newRole;
    await query(`CREATE ROLE ${quoteIdent(role)} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT`);
    roleOid = (await query<{ oid: string }>(`SELECT r.oid::pg_catalog.text AS oid FROM pg_catalog.pg_roles r WHERE r.rolname = $1`, [role]))[0].oid;
    if (!user.superuser) await query(`GRANT ${quoteIdent(role)} TO ${quoteIdent(me)}`);
    // the database's object owners that are safe: the migration may alter what they own
    const owners = await query<{ oid: string }>(
      `SELECT DISTINCT s.refobjid::pg_catalog.text AS oid FROM pg_catalog.pg_shdepend s
        WHERE s.deptype = 'o' AND s.refclassid = 'pg_catalog.pg_authid'::pg_catalog.regclass
          AND s.dbid = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
       UNION SELECT d.datdba::pg_catalog.text FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()`,
    );
    for (const o of owners) {
      const r = byOid.get(o.oid);
      if (!r || why.get(o.oid)?.length) continue;
      await query(`SAVEPOINT godwit_grant`);
      try {
        await query(`GRANT ${quoteIdent(r.name)} TO ${quoteIdent(role)}`);
        await query(`RELEASE SAVEPOINT godwit_grant`);
      } catch {
        // (PostgreSQL >= 16: CREATEROLE grants only roles it administers) the migration cannot act as it
        await query(`ROLLBACK TO SAVEPOINT godwit_grant`);
        await query(`RELEASE SAVEPOINT godwit_grant`);
      }
    }
  } else {
    const reasons = why.get(user.oid) ?? [];
    if (reasons.length) {
      return refuse(`The URL's user ${me} can reach outside the database (${reasons.join('; ')}) and cannot create roles, so godwit cannot restrict what the migration does. Trace with a user that owns the tables and has no such rights, or with a superuser URL (godwit then runs the migration as a restricted role).`);
    }
    role = me;
    roleOid = user.oid;
  }

  /** what keeps godwit from restricting the migration (all of it is reported at once) */
  const problems: string[] = [];

  // --- the relations the statements act on must belong to roles the migration may act as
  if (role !== me && !opts.role && opts.relations.length) {
    const rows = await query<{ rel: string; owner: string; ok: boolean }>(
      `SELECT x.rel, o.rolname::pg_catalog.text AS owner, pg_catalog.pg_has_role($2::pg_catalog.name, c.relowner, 'USAGE') AS ok
         FROM pg_catalog.unnest($1::pg_catalog.text[]) AS x(rel)
         JOIN pg_catalog.pg_class c ON c.oid = pg_catalog.to_regclass(x.rel)
         JOIN pg_catalog.pg_roles o ON o.oid = c.relowner`,
      [opts.relations, role],
    );
    const foreign = rows.filter((r) => !r.ok);
    if (foreign.length) {
      const list = foreign.map((r) => `${r.rel} (owned by ${r.owner}${why.get(byName.get(r.owner)?.oid ?? '')?.length ? `: ${why.get(byName.get(r.owner)!.oid)!.join('; ')}` : ''})`);
      problems.push(
        `The migration acts on ${list.join(', ')}, which the restricted role godwit runs it as may not alter: godwit never runs a migration with the rights of a role that can reach outside the database (COPY … PROGRAM, server files, other sessions). ` +
          'Trace with --replay-history (the history is replayed into a scratch database the restricted role owns), or let a role without such rights own the tables (ALTER TABLE … OWNER TO app_owner).',
      );
    }
  }

  // --- SECURITY DEFINER functions the migration could call that run as an unsafe role
  const secdef = await query<{ sig: string; owner: string; kind: string }>(
    `SELECT p.oid::pg_catalog.regprocedure::pg_catalog.text AS sig, p.proowner::pg_catalog.text AS owner, p.prokind::pg_catalog.text AS kind
       FROM pg_catalog.pg_proc p WHERE p.prosecdef AND pg_catalog.has_function_privilege($1::pg_catalog.name, p.oid, 'EXECUTE')`,
    [role],
  );
  const unsafeDefiners = secdef.filter((f) => why.get(f.owner)?.length);
  if (unsafeDefiners.length) {
    if (!user.superuser) {
      const list = unsafeDefiners.slice(0, 5).map((f) => `${f.sig} (owned by ${byOid.get(f.owner)?.name})`);
      problems.push(`The migration could call SECURITY DEFINER functions that run with the rights of a role that reaches outside the database: ${list.join(', ')}${unsafeDefiners.length > 5 ? ', …' : ''}. Only a superuser URL lets godwit neutralise them for the trace.`);
    } else for (const f of unsafeDefiners) await query(`ALTER ${f.kind === 'p' ? 'PROCEDURE' : 'FUNCTION'} ${f.sig} SECURITY INVOKER`);
  }

  // --- functions that act outside the transaction: revoked (superuser), or other sessions checked
  if (user.superuser) {
    const fns = await query<{ sig: string; grantees: string[] | null }>(
      `SELECT p.oid::pg_catalog.regprocedure::pg_catalog.text AS sig,
              (SELECT pg_catalog.array_agg(DISTINCT a.grantee::pg_catalog.text) FROM pg_catalog.aclexplode(p.proacl) a WHERE a.grantee <> p.proowner) AS grantees
         FROM pg_catalog.pg_proc p
        WHERE (p.pronamespace = 'pg_catalog'::pg_catalog.regnamespace AND p.proname::pg_catalog.text = ANY ($1::pg_catalog.text[]))
           OR p.oid IN (SELECT d.objid FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
                         WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
                           AND d.deptype = 'e' AND e.extname::pg_catalog.text = ANY ($2::pg_catalog.text[]))`,
      [OUTSIDE_FUNCTIONS, OUTSIDE_EXTENSIONS],
    );
    for (const f of fns) {
      const from = (f.grantees ?? []).map((g) => (g === '0' ? 'PUBLIC' : byOid.get(g) ? quoteIdent(byOid.get(g)!.name) : undefined)).filter(Boolean);
      if (!from.includes('PUBLIC')) from.push('PUBLIC');
      await query(`REVOKE EXECUTE ON FUNCTION ${f.sig} FROM ${from.join(', ')}`);
    }
    const still = await query<{ sig: string }>(
      `SELECT f.sig FROM pg_catalog.unnest($1::pg_catalog.text[]) AS f(sig) WHERE pg_catalog.has_function_privilege($2::pg_catalog.name, f.sig, 'EXECUTE')`,
      [fns.map((f) => f.sig), role],
    );
    if (still.length) problems.push(`The restricted role can still execute ${still.map((s) => s.sig).join(', ')}.`);
  } else {
    const others = await query<{ pid: number; usename: string; application_name: string }>(
      `SELECT a.pid, a.usename::pg_catalog.text AS usename, a.application_name FROM pg_catalog.pg_stat_activity a
        WHERE a.backend_type = 'client backend' AND a.pid <> $1 AND a.usesysid IS NOT NULL
          AND pg_catalog.pg_has_role($2::pg_catalog.name, a.usesysid, 'USAGE')`,
      [opts.pid, role],
    );
    if (others.length) {
      const list = others.slice(0, 5).map((o) => `pid ${o.pid} as ${o.usename}${o.application_name ? ` (${o.application_name})` : ''}`);
      problems.push(
        `Other sessions run as roles whose rights the migration has (${list.join(', ')}${others.length > 5 ? ', …' : ''}): it could cancel or terminate them (PostgreSQL lets a role signal its own sessions), and only a superuser URL lets godwit revoke that for the trace. Trace when they are gone, or with a superuser URL.`,
      );
    }
  }
  if (problems.length) return refuse(problems.join('\n'));

  await install(query, role, roleOid);
  const session = user.superuser && role !== me ? role : me;
  if (role !== me) await query(user.superuser ? `SET SESSION AUTHORIZATION ${quoteIdent(role)}` : `SET ROLE ${quoteIdent(role)}`);
  return { role, restricted: true, sessionUser: session, currentUser: role };
}

/** godwit_snapshot and godwit_check (owned by the URL's user) and godwit_run (owned by `role`, SECURITY DEFINER). */
async function install(query: Query, role: string, roleOid: string): Promise<void> {
  await query(SNAPSHOT_FUNCTION);
  await query(runFunctionSql(true));
  await query(`ALTER FUNCTION ${RUN_SIGNATURE} OWNER TO ${quoteIdent(role)}`);
  const runOid = (await query<{ oid: string }>(`SELECT pg_catalog.to_regprocedure($1)::pg_catalog.oid::pg_catalog.text AS oid`, [RUN_SIGNATURE]))[0].oid;
  const me = (await query<{ s: string; su: boolean }>(`SELECT pg_catalog.session_user()::pg_catalog.text AS s, r.rolsuper AS su FROM pg_catalog.pg_roles r WHERE r.rolname = pg_catalog.session_user()`))[0];
  // while statements run: SET SESSION AUTHORIZATION (superuser) makes both the role; SET ROLE only current_user
  const sessionUser = me.su && role !== me.s ? role : me.s;
  await query(checkFunctionSql({ runOid, ownerOid: roleOid, securityDefiner: true, sessionUser, currentUser: role }));
}

/**
 * Why each role is unsafe (empty: it is not): its own attributes and those of every role it
 * is a member of, through any chain of memberships.
 */
function unsafeReasons(roles: Map<string, Role>, members: Array<{ member: string; role: string }>): Map<string, string[]> {
  const up = new Map<string, string[]>();
  for (const m of members) up.set(m.member, [...(up.get(m.member) ?? []), m.role]);
  const own = (r: Role): string | undefined => {
    if (r.superuser) return `superuser ${r.name}`;
    if (r.createrole) return `CREATEROLE (${r.name})`;
    if (r.replication) return `REPLICATION (${r.name})`;
    if (r.name.startsWith('pg_') && !HARMLESS_PREDEFINED.has(r.name)) return `member of ${r.name}`;
    return undefined;
  };
  const out = new Map<string, string[]>();
  for (const start of roles.keys()) {
    const seen = new Set([start]);
    const todo = [start];
    const reasons: string[] = [];
    while (todo.length) {
      const oid = todo.pop()!;
      const r = roles.get(oid);
      const w = r && own(r);
      if (w && !reasons.includes(w)) reasons.push(w);
      for (const next of up.get(oid) ?? []) if (!seen.has(next)) seen.add(next), todo.push(next);
    }
    out.set(start, reasons);
  }
  return out;
}
