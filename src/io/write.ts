/**
 * The one way godwit writes files (reports `-o`, the lint cache, `--fix`, plan phases, the
 * PGlite data-directory cache, `godwit init`). What stands at the path decides, as it would for
 * a plain write from a shell or ESLint — never "replace whatever is there":
 *
 *   nothing          created: a temporary file in the same directory, hard-linked into place
 *                    (a reader never sees half a file; a file that appeared meanwhile is kept)
 *   regular file     rewritten if the running user may write it (a read-only file is refused):
 *                    temporary file + rename, with the file's mode and owner, when that keeps
 *                    everything (the directory is writable, one link, the owner can be kept);
 *                    otherwise in place
 *   symbolic link    followed: its target is written as above; the link stays a link. A
 *                    dangling link (or a loop) is refused: godwit creates no file through it
 *   FIFO, terminal,  written through (`-o /dev/null`, `-o /dev/stderr`, `-o >(gzip > r.gz)`),
 *   character device never replaced by a regular file
 *   directory, socket, block device
 *                    refused
 *
 * Every refusal or failure is a WriteError with a message meant for the user (the CLI prints
 * it and exits 2) and leaves no temporary file behind.
 */
import {
  accessSync,
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fsyncSync,
  ftruncateSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

export class WriteError extends Error {
  constructor(
    readonly path: string,
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'WriteError';
  }
}

/** The file is not what was read (`expected`): changed on disk meanwhile, or not valid UTF-8 (it would not round-trip). */
export class FileChangedError extends WriteError {
  constructor(path: string, reason: 'changed' | 'encoding') {
    super(
      path,
      reason === 'changed'
        ? `${path} changed on disk while it was being fixed; it was not written`
        : `${path} is not valid UTF-8, so rewriting it would change bytes no fix touched; it was not written`,
      reason,
    );
  }
}

/** Files to create under a directory already exist (or stand there as links, dangling or not). */
export class OutputExistsError extends WriteError {}

export interface WriteOptions {
  /** the file must still hold exactly this text (`--fix`), or nothing is written (FileChangedError) */
  expected?: string;
  /** permission bits of a file that does not exist yet (default 0o666, less the umask) */
  mode?: number;
}

/** Write `data` to `path` (see the module comment for what happens with what stands there). */
export function writeOutput(path: string, data: string | Uint8Array, opts: WriteOptions = {}): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const link = lstat(path);
  let st: Stats | undefined = link;
  if (link?.isSymbolicLink()) {
    try {
      st = statSync(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') throw new WriteError(path, `${path} is a symbolic link loop`, code);
      if (code === 'ENOENT') throw new WriteError(path, `${path} is a symbolic link to a file that does not exist; godwit creates no file through a dangling link`, code);
      throw failure(path, e);
    }
  }
  if (!st) return createFile(path, bytes, opts);
  if (st.isDirectory()) throw new WriteError(path, `${path} is a directory`, 'EISDIR');
  if (st.isFIFO() || st.isCharacterDevice()) return writeThrough(path, bytes);
  if (st.isSocket()) throw new WriteError(path, `${path} is a socket; godwit writes files, FIFOs and terminals`, 'ESOCKET');
  if (st.isBlockDevice()) throw new WriteError(path, `${path} is a block device; godwit does not write onto disks`, 'EBLOCK');
  // a regular file (through a link: its target, so that the link stays a link)
  let target = path;
  if (link?.isSymbolicLink()) {
    try {
      target = realpathSync(path);
    } catch (e) {
      throw failure(path, e);
    }
  }
  try {
    accessSync(target, constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') throw new WriteError(path, `${path} is read-only (no write permission for this user); it was not rewritten`, code);
    if (code === 'EROFS') throw new WriteError(path, `${path} is on a read-only file system`, code);
    throw failure(path, e);
  }
  if (opts.expected !== undefined) {
    let current: Buffer;
    try {
      current = readFileSync(target);
    } catch (e) {
      throw failure(path, e);
    }
    if (current.toString('utf8') !== opts.expected) throw new FileChangedError(path, 'changed');
    if (!current.equals(Buffer.from(opts.expected, 'utf8'))) throw new FileChangedError(path, 'encoding');
  }
  if (canReplace(target, st)) replaceFile(path, target, bytes, st);
  else rewriteInPlace(path, target, bytes);
}

/**
 * Create every file under `dir` (relative `/`-separated paths), all or none: nothing is written
 * when any target exists (a dangling link counts); a failure half-way removes what this call
 * created (files and directories). Returns the paths written.
 */
export function writeNewFiles(dir: string, files: Array<{ path: string; content: string; mode?: number }>): string[] {
  const targets = files.map((f) => join(dir, ...f.path.split('/')));
  const clash = targets.filter((t) => lstat(t) !== undefined);
  if (clash.length) throw new OutputExistsError(clash[0], `${clash.join(', ')} already exist${clash.length > 1 ? '' : 's'}: godwit never overwrites files (choose another --out directory)`);
  const madeDirs: string[] = [];
  const temps: string[] = [];
  const linked: string[] = [];
  try {
    for (const t of targets) madeDirs.push(...makeDirs(dirname(t)));
    files.forEach((f, i) => temps.push(writeTemp(targets[i], Buffer.from(f.content, 'utf8'), f.mode)));
    targets.forEach((t, i) => {
      try {
        linkSync(temps[i], t);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') throw new OutputExistsError(t, `${t} appeared while the plan was written: godwit never overwrites files; nothing was written`, code);
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw e;
        // a file system without hard links: an exclusive create (still never over an existing file)
        const fd = openSync(t, 'wx', files[i].mode ?? 0o666);
        try {
          linked.push(t);
          writeAll(fd, Buffer.from(files[i].content, 'utf8'));
        } finally {
          closeSync(fd);
        }
        return;
      }
      linked.push(t);
    });
  } catch (e) {
    for (const t of linked) rmSync(t, { force: true });
    for (const d of madeDirs.reverse()) {
      try {
        rmdirSync(d);
      } catch {
        // not empty: something else is in it now
      }
    }
    throw e instanceof WriteError ? e : failure(dir, e);
  } finally {
    for (const tmp of temps) rmSync(tmp, { force: true });
  }
  return targets;
}

function lstat(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') throw new WriteError(path, `${dirname(path)} is not a directory`, code);
    throw failure(path, e);
  }
}

/** Directories missing on the way to `dir`, created (outermost first); the ones created are returned. */
function makeDirs(dir: string): string[] {
  const missing: string[] = [];
  for (let d = dir; lstat(d) === undefined; d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) mkdirSync(d);
  return missing;
}

function failure(path: string, e: unknown): WriteError {
  const err = e as NodeJS.ErrnoException;
  const code = err.code;
  const where = err.path && err.path !== path ? err.path : path;
  const why: Record<string, string> = {
    ENOENT: `no such directory: ${dirname(where)}`,
    ENOTDIR: `${dirname(where)} is not a directory`,
    EACCES: `permission denied: ${where}`,
    EPERM: `operation not permitted: ${where}`,
    EROFS: `${where} is on a read-only file system`,
    ENOSPC: `no space left on the device holding ${where}`,
    EDQUOT: `disk quota exceeded for ${where}`,
    EISDIR: `${where} is a directory`,
    ENXIO: `${where} has no reader (a FIFO or device nobody opened)`,
  };
  return new WriteError(path, (code && why[code]) ?? `${where}: ${err.message ?? String(e)}`, code);
}

function createFile(path: string, bytes: Uint8Array, opts: WriteOptions): void {
  const dir = dirname(path);
  const parent = lstat(dir);
  if (!parent) throw new WriteError(path, `no such directory: ${dir}`, 'ENOENT');
  const tmp = writeTemp(path, bytes, opts.mode);
  try {
    linkSync(tmp, path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      rmSync(tmp, { force: true });
      // something appeared at the path meanwhile: decide again for what is there now
      return writeOutput(path, bytes, { expected: opts.expected });
    }
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') {
      // no hard links on this file system: rename cannot fail over a file that appeared, so check right before
      if (lstat(path)) {
        rmSync(tmp, { force: true });
        return writeOutput(path, bytes, { expected: opts.expected });
      }
      try {
        renameSync(tmp, path);
        return;
      } catch (e2) {
        rmSync(tmp, { force: true });
        throw failure(path, e2);
      }
    }
    rmSync(tmp, { force: true });
    throw failure(path, e);
  }
  rmSync(tmp, { force: true });
}

let tempCounter = 0;

/** A temporary file next to `target`, holding `bytes`, flushed. */
function writeTemp(target: string, bytes: Uint8Array, mode?: number): string {
  let tmp = '';
  let fd: number | undefined;
  for (let attempt = 0; fd === undefined; attempt++) {
    tmp = join(dirname(target), `.${basename(target)}.godwit-${process.pid}-${Date.now().toString(36)}${(tempCounter++).toString(36)}.tmp`);
    try {
      fd = openSync(tmp, 'wx', mode ?? 0o666);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && attempt < 10) continue;
      if (code === 'EACCES' || code === 'EPERM') throw new WriteError(target, `cannot create files in ${dirname(target)}: permission denied`, code);
      throw failure(target, e);
    }
  }
  try {
    writeAll(fd, bytes);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw failure(target, e);
  }
  closeSync(fd);
  return tmp;
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
}

/** Writing through to what the path names (a FIFO, a terminal, /dev/null): opened as a shell's `>` would. */
function writeThrough(path: string, bytes: Uint8Array): void {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_TRUNC);
  } catch (e) {
    throw failure(path, e);
  }
  try {
    writeAll(fd, bytes);
  } catch (e) {
    throw failure(path, e);
  } finally {
    closeSync(fd);
  }
}

/** Rename over the file only when that loses nothing: the directory is writable, one link, the owner can be kept. */
function canReplace(target: string, st: Stats): boolean {
  if (st.nlink !== 1) return false;
  const uid = typeof process.geteuid === 'function' ? process.geteuid() : undefined;
  if (uid !== undefined && uid !== 0 && st.uid !== uid) return false;
  try {
    accessSync(dirname(target), constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function replaceFile(path: string, target: string, bytes: Uint8Array, st: Stats): void {
  const tmp = writeTemp(target, bytes, 0o600);
  try {
    const fd = openSync(tmp, 'r+');
    try {
      const uid = typeof process.geteuid === 'function' ? process.geteuid() : undefined;
      if (uid === 0 && (st.uid !== 0 || st.gid !== 0)) fchownSync(fd, st.uid, st.gid);
      // after chown, which clears set-id bits
      fchmodSync(fd, st.mode & 0o7777);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw failure(path, e);
  }
}

function rewriteInPlace(path: string, target: string, bytes: Uint8Array): void {
  let fd: number;
  try {
    fd = openSync(target, 'r+');
  } catch (e) {
    throw failure(path, e);
  }
  try {
    ftruncateSync(fd, 0);
    writeAll(fd, bytes);
    fsyncSync(fd);
  } catch (e) {
    throw failure(path, e);
  } finally {
    closeSync(fd);
  }
}
