#!/usr/bin/env node
/**
 * Bundle the CLI's own modules (dist/src, dist/rules) into a few files beside main.js:
 * dist/src/cli/main.bundle.js and one chunk per lazily loaded command, report format, etc.
 * A one-file `godwit lint` then loads ~5 files instead of ~110, which saves ~35 ms of a
 * ~185 ms run (bench/README.md, "Start-up"). Packages (node_modules, node:) stay imports.
 * And dist/src/cli/replay.bundle*.cjs: replay.ts as CommonJS for bin.cjs; and the ESLint
 * plugin, dist/src/eslint/index.bundle*.js, which package.json exports as "godwit/eslint"
 * (without rolldown, index.bundle.js re-exports the modules).
 *
 * bin.js uses the bundle only when it is at least as new as main.js, so a `tsc` without this
 * step never runs stale code; and this step is skipped (the CLI runs unbundled) when rolldown,
 * which vitest's vite brings, is not installed.
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'src', 'cli');
for (const f of readdirSync(cli)) if (f.startsWith('main.bundle')) rmSync(join(cli, f));

// the ESLint plugin's entry (package.json exports "./eslint"): the bundle, or without rolldown the modules
const eslintDir = join(cli, '..', 'eslint');
for (const f of readdirSync(eslintDir)) if (f.startsWith('index.bundle')) rmSync(join(eslintDir, f));

let rolldown;
try {
  rolldown = await import('rolldown');
} catch {
  writeFileSync(join(eslintDir, 'index.bundle.js'), "export * from './index.js';\nexport { default } from './index.js';\n");
  console.log('bundle-cli: rolldown is not installed; the CLI and the ESLint plugin run unbundled');
  process.exit(0);
}

/** Bundle `input` (godwit's own files; packages and Node's modules stay imports) as `<name>.bundle…` files in `dir`. */
const bundle = (input, dir, name, format = 'esm') => {
  const ext = format === 'cjs' ? 'cjs' : 'js';
  return rolldown.build({
    input,
    platform: 'node',
    external: [/^[^./]/],
    logLevel: 'warn',
    // (a module both imported and lazily imported stays where it is: expected, not worth a warning)
    onLog: (level, log, handler) => {
      if (log.code !== 'INEFFECTIVE_DYNAMIC_IMPORT') handler(level, log);
    },
    output: { dir, format, entryFileNames: `${name}.bundle.${ext}`, chunkFileNames: `${name}.bundle.[name]-[hash].${ext}` },
  });
};

await bundle(join(cli, 'main.js'), cli, 'main');

// bin.cjs's answer from the records (src/cli/replay.ts): CommonJS files, loaded without the ES
// module loader; what only a file-records answer needs (the cache, the formats) in chunks of their own
for (const f of readdirSync(cli)) if (f.startsWith('replay.bundle')) rmSync(join(cli, f));
await bundle(join(cli, 'replay.js'), cli, 'replay', 'cjs');

// the ESLint plugin: ~170 modules loaded one by one cost an ESLint start ~150 ms (bench/README.md)
await bundle(join(eslintDir, 'index.js'), eslintDir, 'index');
