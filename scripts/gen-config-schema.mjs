// Writes schema/godwit.config.schema.json from the config schema in src/config/schema.ts.
// Runs after tsc (it imports the compiled module from dist/), so the JSON Schema and the
// run-time validation are always the same schema.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { configJsonSchema } = await import(pathToFileURL(join(root, 'dist', 'src', 'config', 'schema.js')).href);
const out = JSON.stringify(configJsonSchema, null, 2) + '\n';
const target = join(root, 'schema', 'godwit.config.schema.json');
mkdirSync(dirname(target), { recursive: true });
if (!existsSync(target) || readFileSync(target, 'utf8') !== out) writeFileSync(target, out);
