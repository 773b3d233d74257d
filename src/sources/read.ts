/**
 * Reading the files godwit lints or replays (README, "Decisions"):
 *
 * - only regular files (or links to them) are read: a FIFO would block the run until
 *   something writes to it, and a device such as /dev/zero never ends; text to lint from a
 *   pipe comes through `--stdin`;
 * - files over MAX_FILE_BYTES are not parsed: at the limit, 5 MB of a real schema (harbor's,
 *   repeated) takes 2 s and 0.36 GB, and 5 MB of one-line statements (134,000 of them) 7 s and
 *   about 1 GB; 10 MB of those took 12 s and 1.8 GB (bench/README.md, "Big inputs"). A bigger
 *   file (in practice a data load, not a schema change: the corpus's largest migration is
 *   53 kB) is reported instead, and can be excluded in the config;
 * - text is decoded as UTF-8; invalid byte sequences become U+FFFD, as everywhere in godwit.
 */
import { fstatSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { inputRead } from '../jit.js';

/** The largest file godwit lints or replays as history: 5 MiB. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

/**
 * The largest schema dump read (`--schema`, config `schema`): a whole schema in one file, so
 * more than a migration, but bounded (a schema dump is DDL: ~70 MB of memory per MB parsed).
 */
export const MAX_SCHEMA_BYTES = 4 * MAX_FILE_BYTES;

/** A file that cannot be linted; `message` says why (shown after "cannot read file: "). */
export class FileReadError extends Error {
  constructor(
    message: string,
    /** the errno code (ENOENT, EACCES, EISDIR, …), or EFBIG (too large), ENOTREG (not a regular file) */
    readonly code: string,
  ) {
    super(message);
  }
}

/** Read a migration file as text. Throws FileReadError. */
export function readSourceFile(path: string, limit = MAX_FILE_BYTES): string {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new FileReadError('EISDIR', 'EISDIR');
    if (!st.isFile()) throw new FileReadError('not a regular file (a FIFO, socket or device); pipe text to --stdin instead', 'ENOTREG');
    size = st.size;
  } catch (e) {
    throw asReadError(e);
  }
  if (size > limit) {
    throw new FileReadError(`too large to lint (${megabytes(size)}; the limit is ${megabytes(limit)}): exclude it in the config`, 'EFBIG');
  }
  inputRead(size);
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw asReadError(e);
  }
}

/** `readSourceFile`, or `fallback` when the file cannot be read (best-effort reads: runner detection). */
export function readSourceFileOr(path: string, fallback: string, limit = MAX_FILE_BYTES): string {
  try {
    return readSourceFile(path, limit);
  } catch {
    return fallback;
  }
}

function asReadError(e: unknown): FileReadError {
  if (e instanceof FileReadError) return e;
  const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
  return new FileReadError(code, code);
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * Why the process's standard input cannot be what `--stdin` lints, or undefined: a directory
 * reads as empty in Node and a closed descriptor is reopened on /dev/null by Node itself
 * (read-write, where a shell's `< /dev/null` is read-only: told apart on Linux, through
 * /proc/self/fdinfo) — both would lint as a clean, empty file.
 */
export function stdinProblem(): string | undefined {
  let st;
  try {
    st = fstatSync(0);
  } catch (e) {
    return `standard input cannot be read (${(e as NodeJS.ErrnoException).code ?? 'EIO'})`;
  }
  if (st.isDirectory()) return 'standard input is a directory';
  if (st.isCharacterDevice() && process.platform === 'linux') {
    try {
      const flags = /^flags:\s*([0-7]+)$/m.exec(readFileSync('/proc/self/fdinfo/0', 'utf8'))?.[1];
      if (flags !== undefined && (parseInt(flags, 8) & 3) === 2 && readlinkSync('/proc/self/fd/0') === '/dev/null') return 'standard input is closed';
    } catch {
      // no /proc: cannot tell
    }
  }
  return undefined;
}
