/**
 * Command-line entry (CLI.md). Thin: parses arguments, calls the library, prints.
 * Returns the exit code: 0 clean, 1 lint errors or too many warnings, 2 usage/internal error.
 */
import { COMMANDS, isRecordable, lintPathsOf, parseCommandLine, UsageError } from './args.js';
import { readFileSync } from 'node:fs';
// each command's module (and what it imports) is loaded only when that command runs

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /**
   * Called once before a command loads its work (the parsers, the rules): bin.ts sets V8's flags
   * for a CLI run there, not at start-up, so that a run the cache answers never loads node:v8.
   */
  beforeWork?: (command: string) => void | Promise<void>;
  /** This command line's run record was already looked at, and did not answer it (bin.cjs). */
  recordChecked?: boolean;
}

export { UsageError } from './args.js';

const HELP = `godwit — lint PostgreSQL migrations for locks, rewrites and breaking changes

Usage:
  godwit [lint] [paths…]     lint migrations: .sql files, and JS/TS and Python (Alembic, Django) migrations in migration folders
  godwit rules [id]          list the rules, or explain one
  godwit plan <file> [--out dir] [--emit sql|pgroll|markdown|gh-ost|pt-osc]
                             write the expand-contract plan of a migration's unsafe changes
  godwit init [dir]          write godwit.config.json for the project (--runner, --pg-version, --force)
                             and, with --hook pre-commit|lint-staged|husky, a pre-commit hook
  godwit trace <file> [--db-url URL]
                             run the migration in embedded PostgreSQL (or on a server) inside a
                             transaction that is always rolled back; report the locks it took

Lint options:
  -f, --format <name>                stylish (default), json, sarif, github, gitlab, junit, markdown
  -o, --output-file <path>           write the report to a file
      --pg-version <major>           target PostgreSQL version (default: 15)
      --dialect <auto|postgresql|mysql>  SQL dialect (default auto: per file, from the layout, the
                                     runner's configuration, then MySQL-only syntax)
      --mysql-version <version>      MySQL/MariaDB server for the online-DDL matrix: 8.0 (default),
                                     8.4, mariadb-10.11, mariadb-11.4, or a release such as 8.0.28
      --preset <recommended|strict|all>
      --rule <id>:<off|warn|error>   override a rule (repeatable)
  -c, --config <path>                use this config file (default: the nearest godwit.config.*)
      --runner <name>                migration runner (default: auto-detected from the layout)
      --transaction <auto|none|file|all|implicit>  override how the runner wraps each file
      --schema <dump.sql>            seed the schema catalog from pg_dump --schema-only output
      --stats <file>                 production table sizes (docs/table-sizes.md): durations in the
                                     findings; findings on small tables are warnings
      --db-url <url>                 read the table sizes from this database (read-only catalog query)
      --changed-since <git ref>      lint only migrations added or changed since the ref
      --fix                          apply the mechanical fixes to the files (atomic writes; the output
                                     must parse), then report what remains
      --fix-dry-run                  show the fixes as a unified diff (json: each result's "output"),
                                     write nothing
      --cache                        reuse the results of unchanged migrations (same text, history,
                                     config, flags and godwit build) from the last run
      --cache-location <path>        the cache file, or a directory for it (default: ./.godwitcache)
      --max-warnings <n>             exit 1 when there are more warnings than n
      --quiet                        report errors only
      --stdin                        lint standard input (or give - as a path)
      --stdin-filename <path>        the file name to report for standard input
      --no-inline-config             ignore godwit-ignore / eslint-disable comments
      --no-error-on-unmatched-pattern
                                     a path with nothing to lint (an empty folder, a wrong path) is not an
                                     error (by default it is, exit 2, as in ESLint)
      --pass-on-no-patterns          with no path given, finding nothing to lint under . is not an error
      --color, --no-color            force colours on or off (NO_COLOR / FORCE_COLOR are honoured)

Trace options (docs/trace.md):
      --db-url <url>                 trace on this server instead of embedded PGlite
      --replay-history, --no-replay-history
                                     replay the earlier migrations first (default: on for PGlite;
                                     off for --db-url, where on means a scratch database)
      --lock-timeout <t>             server: lock_timeout for each statement (default: 1s)
      --statement-timeout <t>        statement_timeout for each statement, also of the history (default: 10s)
      --allow-unrestricted           server: trace with the URL user's own rights where godwit cannot
                                     run the migration as a restricted role (refused otherwise)
      -f stylish|json, -o, -c, --runner and --schema as for lint

  -h, --help                         show this help
  -v, --version                      print the version

Exit codes: 0 no errors (and warnings within --max-warnings), 1 lint errors or too many warnings,
2 usage error or internal failure.`;

/** A section of HELP: from the line that starts with `title` to the next blank line. */
function section(title: string): string {
  const start = HELP.indexOf(`\n${title}`);
  if (start === -1) return '';
  const end = HELP.indexOf('\n\n', start + 1);
  return HELP.slice(start + 1, end === -1 ? undefined : end).replace(/\n {2}-h, --help[\s\S]*$/, '');
}

function usageOf(command: string): string {
  const lines = HELP.split('\n');
  const at = lines.findIndex((l) => l.startsWith(`  godwit ${command}`) || (command === 'lint' && l.startsWith('  godwit [lint]')));
  if (at === -1) return '';
  const out = [lines[at]];
  for (let i = at + 1; i < lines.length && /^ {20,}\S/.test(lines[i]); i++) out.push(lines[i]);
  return out.join('\n');
}

const COMMON = '  -h, --help                         show this help\n  -v, --version                      print the version';
const EXITS = HELP.slice(HELP.indexOf('Exit codes:'));

const COMMAND_HELP: Record<string, string> = {
  lint: `Usage:\n${usageOf('lint')}\n\n${section('Lint options')}\n${COMMON}\n\n${EXITS}`,
  rules: `Usage:\n${usageOf('rules')}\n\nOptions:\n  -f, --format json                  the rules as JSON\n${COMMON}`,
  plan: `Usage:\n${usageOf('plan')}\n\nPlan options (docs/plans.md):\n      --out <dir>                    write the phase files there (never replacing a file); without it, print them\n      --emit sql|pgroll|markdown     the phases as migrations in the runner's layout (default), a pgroll migration, or a runbook\n      --pg-version, --runner, --schema, -c  as for lint\n${COMMON}\n\nExit codes: 0 planned (or nothing to plan), 2 usage error, a file that does not parse, or an existing file.`,
  init: `Usage:\n${usageOf('init')}\n\nInit options:\n      --runner <name>                the runner to record (default: detected)\n      --pg-version <major>           the PostgreSQL version to record (default 15)\n      --force                        replace an existing godwit.config.json\n      --hook pre-commit|lint-staged|husky\n                                     also add a hook that lints the staged migrations\n${COMMON}\n\nExit codes: 0 written, 2 a config exists (without --force) or a hook cannot be added safely.`,
  trace: `Usage:\n${usageOf('trace')}\n\n${section('Trace options')}\n      --pg-version <major>           the version the migrations target (a note when the engine differs)\n${COMMON}\n\nExit codes: 0 traced, 1 a statement failed (its locks are unknown), 2 usage error or the engine failed, 130 interrupted.`,
};

export async function main(argv: string[], io: Io): Promise<number> {
  try {
    return await run(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`godwit: ${e.message}\nRun 'godwit --help' for usage.\n`);
      return 2;
    }
    // src/io/write.ts (not imported here: the CLI's start-up loads only what the command needs)
    if (e instanceof Error && e.name === 'WriteError') {
      io.stderr.write(`godwit: cannot write: ${e.message}\n`);
      return 2;
    }
    io.stderr.write(`godwit: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    return 2;
  }
}

async function run(argv: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(argv);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message.replace(/\. To specify.*$/s, '') : String(e));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    // `godwit <command> --help`: that command's usage and options
    const command = positionals[0];
    io.stdout.write((command && command in COMMAND_HELP ? COMMAND_HELP[command] : HELP) + '\n');
    return 0;
  }
  if (values.version) {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    io.stdout.write(pkg.version + '\n');
    return 0;
  }
  const lintPaths = lintPathsOf(positionals);
  if (lintPaths) return lint(lintPaths, values, io, argv);
  const [first, ...rest] = positionals;
  switch (first as (typeof COMMANDS)[number]) {
    case 'rules':
      await io.beforeWork?.('rules');
      return (await import('./rules-command.js')).rulesCommand(rest, values, io);
    case 'init':
      await io.beforeWork?.('init');
      return (await import('./init-command.js')).initCommand(rest, values, io);
    case 'plan':
      await io.beforeWork?.('plan');
      return (await import('./plan-command.js')).planCommand(rest, values, io);
    case 'trace':
      await io.beforeWork?.('trace');
      return (await import('./trace-command.js')).traceCommand(rest, values, io);
  }
}

type Values = Parameters<typeof import('./lint-command.js').lintCommand>[1];

/**
 * `godwit lint`. With `--cache`, a repeated run over unchanged inputs prints the recorded output
 * of the last run before the linter is even loaded (src/cache/run-record.ts); any other run
 * records itself for the next.
 */
async function lint(paths: string[], values: Values, io: Io, argv: string[]): Promise<number> {
  const lintNow = async (io: Io): Promise<number> => {
    await io.beforeWork?.('lint');
    return (await import('./lint-command.js')).lintCommand(paths, values, io);
  };
  if (!isRecordable(values, paths)) return lintNow(io);
  const { answerFromFileRecords, fileRecordsOf, recordKey } = await import('./replay.js');
  const record = await import('../cache/run-record.js');
  const cacheFile = record.cacheFilePath(io.cwd, values['cache-location'] as string | undefined);
  if (!record.recordableAt(cacheFile)) return lintNow(io);
  const key = recordKey(argv, io);
  const replayed = io.recordChecked ? undefined : record.replayRun(cacheFile, key, io.stdout, io.stderr);
  if (replayed !== undefined) return replayed;
  // a run naming files (a pre-commit hook): each one answered from the per-file cache, if the file records say none of its inputs changed
  const named = fileRecordsOf(paths, values, io);
  if (named && !io.recordChecked) {
    const answered = await answerFromFileRecords(cacheFile, named, values, io);
    if (answered !== undefined) return answered;
  }

  // this run: what it reads, and what it prints
  let stdout = '';
  let stderr = '';
  const tee = (stream: Io['stdout'], add: (s: string) => void): Io['stdout'] =>
    Object.assign(Object.create(stream) as Io['stdout'], {
      write: (chunk: string | Uint8Array, ...rest: unknown[]) => {
        add(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
        return (stream.write as (...a: unknown[]) => boolean).call(stream, chunk, ...rest);
      },
    });
  const teed: Io = { ...io, stdout: tee(io.stdout, (s) => (stdout += s)), stderr: tee(io.stderr, (s) => (stderr += s)) };
  const recorder = record.startRecording(cacheFile);
  let code: number;
  let deps: ReturnType<typeof recorder.stop>;
  try {
    code = await lintNow(teed);
  } finally {
    deps = recorder.stop();
  }
  if (deps) {
    const { writeOutput } = await import('../io/write.js');
    record.saveRun(cacheFile, key, deps, code, stdout, stderr, writeOutput);
    if (named) record.saveFileRecords(cacheFile, named.key, deps, named.files, stderr, writeOutput);
  }
  return code;
}
