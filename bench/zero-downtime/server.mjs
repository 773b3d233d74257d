/**
 * A private, throw-away PostgreSQL 15 for the harness, started the way .ci/postgres starts the
 * CI server: initdb in a temporary directory, trust auth, no fsync, the first free port from
 * 5599, listening on 127.0.0.1 only. As root it runs as the `postgres` user. `stop()` is
 * registered for exit and the usual signals, so no server outlives the harness.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = process.env.GODWIT_PG_BIN ?? '/usr/lib/postgresql/15/bin';

function portFree(port) {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); resolve(false); });
    s.once('error', () => resolve(true));
  });
}

/** Start a server; returns { url, stop }. */
export async function startServer({ port = 5599, settings = {} } = {}) {
  if (!existsSync(join(BIN, 'postgres'))) throw new Error(`PostgreSQL 15 is not installed at ${BIN} (source .ci/postgres once, or set GODWIT_PG_BIN)`);
  while (!(await portFree(port))) port++;
  const dir = mkdtempSync(join(process.env.TMPDIR ?? tmpdir(), 'godwit-zdt-pg.'));
  const root = process.getuid?.() === 0;
  if (root) chownSync(dir, Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim()), Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim()));
  const as = (cmd, args) => (root ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]);
  const run = (cmd, args) => {
    const [c, a] = as(join(BIN, cmd), args);
    const r = spawnSync(c, a, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr || r.stdout}`);
  };
  run('initdb', ['-D', join(dir, 'data'), '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const opts = {
    listen_addresses: '127.0.0.1',
    fsync: 'off',
    full_page_writes: 'off',
    synchronous_commit: 'off',
    max_connections: '60',
    shared_buffers: '256MB',
    ...settings,
  };
  const o = [`-p ${port}`, `-k ${dir}`, ...Object.entries(opts).map(([k, v]) => `-c ${k}=${v}`)].join(' ');
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    const [c, a] = as(join(BIN, 'pg_ctl'), ['-D', join(dir, 'data'), '-m', 'immediate', 'stop']);
    spawnSync(c, a, { cwd: dir, stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    run('pg_ctl', ['-D', join(dir, 'data'), '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', o, 'start']);
  } catch (e) {
    stop();
    throw e;
  }
  process.once('exit', stop);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(sig, () => {
      stop();
      process.exit(130);
    });
  }
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
}
