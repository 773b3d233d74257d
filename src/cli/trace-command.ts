/**
 * `godwit trace <file> [--db-url URL]` (CLI.md): run the migration in embedded PostgreSQL
 * (PGlite) or on a server, inside one transaction that is always rolled back, and report
 * the locks each statement took. Loaded only for `godwit trace`.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { traceFile, formatTraceJson, formatTraceStylish, DEFAULT_LOCK_TIMEOUT, DEFAULT_STATEMENT_TIMEOUT, TraceRefused, TraceStop, type TraceOptions } from '../trace/index.js';
import { checkDbUrl } from '../trace/server.js';
import { durationMs } from '../trace/engine.js';
import { escapeControl } from '../io/control.js';
import { isRunnerName } from '../sources/index.js';
import { ConfigError } from '../config/index.js';
import { painter, useColor } from '../report/color.js';
import { writeReport } from './lint-command.js';
import { UsageError, type Io } from './main.js';

type Values = Record<string, string | boolean | string[] | undefined>;

const FORMATS = ['stylish', 'json'];
/** PostgreSQL GUC time values: a number with an optional unit */
const DURATION = /^\d+(\.\d+)?\s*(us|ms|s|min|h|d)?$/;

export async function traceCommand(args: string[], values: Values, io: Io): Promise<number> {
  if (args.length !== 1 || args[0] === '-') throw new UsageError(`'godwit trace' takes exactly one migration file (got ${args.length === 0 ? 'none' : args.join(' ')})`);
  const format = String(values.format ?? 'stylish');
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')} (got '${format}')`);
  const cwd = io.cwd;
  const file = resolve(cwd, args[0]);
  if (!existsSync(file)) throw new UsageError(`no such file: ${args[0]}`);
  if (values.schema && !existsSync(resolve(cwd, String(values.schema)))) throw new UsageError(`--schema: no such file: ${values.schema}`);
  if (values.config && !existsSync(resolve(cwd, String(values.config)))) throw new UsageError(`--config: no such file: ${values.config}`);
  const runner = values.runner === undefined ? undefined : String(values.runner);
  if (runner !== undefined && runner !== 'auto' && !isRunnerName(runner)) throw new UsageError(`--runner: unknown runner '${runner}'`);
  for (const flag of ['lock-timeout', 'statement-timeout']) {
    const v = values[flag];
    if (v === undefined) continue;
    // (0 turns the timeout off in PostgreSQL: the safeguard it is here for)
    if (!DURATION.test(String(v).trim()) || !(durationMs(String(v)) > 0)) throw new UsageError(`--${flag} takes a PostgreSQL duration above zero such as 500ms, 2s or 1min (got '${v}')`);
  }
  if (values['replay-history'] && values['no-replay-history']) throw new UsageError('--replay-history and --no-replay-history contradict each other');
  const dbUrl = values['db-url'] === undefined ? undefined : String(values['db-url']);
  const pgVersion = values['pg-version'] === undefined ? undefined : Number(values['pg-version']);
  if (pgVersion !== undefined && (!Number.isInteger(pgVersion) || pgVersion < 9 || pgVersion > 99)) throw new UsageError(`--pg-version takes a PostgreSQL major version such as 15, not '${values['pg-version']}'`);
  if (dbUrl !== undefined && dbUrl.trim() === '') throw new UsageError('--db-url needs a connection URL (postgres://user@host:port/db)');
  if (dbUrl !== undefined) {
    const bad = checkDbUrl(dbUrl);
    if (bad) throw new UsageError(bad);
  }
  if (!dbUrl && values['lock-timeout'] !== undefined) {
    io.stderr.write('godwit: note: --lock-timeout applies to a server (--db-url); PGlite runs alone in this process\n');
  }
  if (!dbUrl && values['allow-unrestricted']) throw new UsageError('--allow-unrestricted applies to a server (--db-url): PGlite runs in this process, with nothing to restrict');

  // SIGINT (Ctrl-C) and SIGTERM (a CI job cancelled, `kill`) alike: stop the statement, roll
  // back, drop a scratch database, then exit 130 / 143. A second signal quits at once (the
  // server rolls back a dropped session; a scratch database may then be left: its name is printed)
  const controller = new AbortController();
  let signalled: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!signalled) {
      signalled = signal;
      io.stderr.write(`\ngodwit: ${signal === 'SIGINT' ? 'interrupted' : 'terminated'}: stopping and rolling back (${signal === 'SIGINT' ? 'press Ctrl-C again' : 'signal again'} to quit at once; the server rolls back a dropped session)\n`);
      controller.abort();
    } else {
      process.exit(exitCodeOf(signalled));
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const options: TraceOptions = {
    cwd,
    configPath: values.config ? resolve(cwd, String(values.config)) : undefined,
    runner: runner && isRunnerName(runner) ? runner : undefined,
    schema: values.schema ? String(values.schema) : undefined,
    dbUrl,
    replayHistory: values['replay-history'] ? true : values['no-replay-history'] ? false : undefined,
    lockTimeout: values['lock-timeout'] !== undefined ? String(values['lock-timeout']) : DEFAULT_LOCK_TIMEOUT,
    statementTimeout: values['statement-timeout'] !== undefined ? String(values['statement-timeout']) : DEFAULT_STATEMENT_TIMEOUT,
    signal: controller.signal,
    allowUnrestricted: !!values['allow-unrestricted'],
    warn: (m) => io.stderr.write(`godwit: warning: ${m}\n`),
    ...(pgVersion !== undefined ? { pgVersion } : {}),
  };
  let report: string;
  let failed = 0;
  try {
    const result = await traceFile(file, options);
    failed = result.statements.filter((s) => s.error).length;
    const color = useColor(values['no-color'] ? false : (values.color as boolean | undefined), values['output-file'] ? {} : io.stdout, io.env);
    report = format === 'json' ? formatTraceJson(result) + '\n' : formatTraceStylish(result, painter(color), cwd);
  } catch (e) {
    if (e instanceof ConfigError) {
      io.stderr.write(`godwit: invalid configuration:\n${e.message}\n`);
      return 2;
    }
    const msg = escapeControl(e instanceof Error ? e.message : String(e), { keep: '\n' });
    if (e instanceof TraceRefused) io.stderr.write(`godwit: not traced: ${msg}\n`);
    else if (e instanceof TraceStop) io.stderr.write(`godwit: trace stopped, rolled back: ${msg}\n`);
    else io.stderr.write(`godwit: trace failed: ${msg}\n`);
    return signalled ? exitCodeOf(signalled) : 2;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (!dbUrl) {
      const { shutdownPglite } = await import('../trace/pglite.js');
      await shutdownPglite();
    }
  }
  if (!writeReport(report, values['output-file'], io)) return 2;
  // statements that failed: their locks are unknown, so the trace did not do its job (exit 1)
  return signalled ? exitCodeOf(signalled) : failed ? 1 : 0;
}

/** 128 + the signal's number, as a shell reports a process the signal ended. */
function exitCodeOf(signal: NodeJS.Signals): number {
  return signal === 'SIGTERM' ? 143 : 130;
}
