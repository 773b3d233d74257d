/**
 * Writing fixed files: atomically (a temporary file in the same directory, flushed, then
 * renamed over the original), with the original's permission bits, through symbolic links
 * (the link stays a link; its target is replaced), and never over a file that changed on disk
 * since it was read (or whose bytes are not valid UTF-8, which would not survive the rewrite).
 */
import { closeSync, fchmodSync, fsyncSync, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** The file is not what was fixed: changed on disk meanwhile, or not valid UTF-8 (it would not round-trip). */
export class FileChangedError extends Error {
  constructor(
    readonly path: string,
    reason: 'changed' | 'encoding',
  ) {
    super(
      reason === 'changed'
        ? `${path} changed on disk while it was being fixed; it was not written`
        : `${path} is not valid UTF-8, so rewriting it would change bytes no fix touched; it was not written`,
    );
  }
}

/**
 * Replace `path` with `data` atomically. With `expected`, the file must still hold exactly that
 * text, or nothing is written (FileChangedError).
 */
export function writeFileAtomic(path: string, data: string, expected?: string): void {
  let target = path;
  try {
    target = realpathSync(path);
  } catch {
    // a new file: write it where it was named
  }
  let mode: number | undefined;
  try {
    mode = statSync(target).mode & 0o7777;
  } catch {
    mode = undefined;
  }
  if (expected !== undefined) {
    const bytes = readFileSync(target);
    if (bytes.toString('utf8') !== expected) throw new FileChangedError(path, 'changed');
    if (!bytes.equals(Buffer.from(expected, 'utf8'))) throw new FileChangedError(path, 'encoding');
  }
  const tmp = join(dirname(target), `.${basename(target)}.godwit-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', mode ?? 0o666);
    // the process umask applies to openSync's mode: set the original's bits exactly
    if (mode !== undefined) fchmodSync(fd, mode);
    const buf = Buffer.from(data, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, target);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
}
