// `npm pack` / `npm publish`: the published package.json has no `prepare` script. A clone needs it
// (`npm install` builds dist/), an installed package does not (dist/ is in the tarball), and npm
// warns about a dependency's install scripts ("has install scripts not yet covered by allowScripts").
// prepack (after the build): `strip` writes package.json without it, keeping the original beside it;
// postpack: `restore` puts the original back. Restoring twice, or without a strip, does nothing.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = join(root, 'package.json');
const saved = join(root, '.package.json.prepack');

if (process.argv[2] === 'strip') {
  if (existsSync(saved)) renameSync(saved, manifest); // an earlier pack that did not finish
  const text = readFileSync(manifest, 'utf8');
  const pkg = JSON.parse(text);
  writeFileSync(saved, text);
  delete pkg.scripts.prepare;
  writeFileSync(manifest, JSON.stringify(pkg, null, 2) + '\n');
} else if (process.argv[2] === 'restore') {
  if (existsSync(saved)) renameSync(saved, manifest);
} else {
  console.error('usage: node scripts/pack-manifest.mjs strip|restore');
  process.exit(2);
}
