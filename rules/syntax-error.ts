import { defineRule } from '../src/engine/types.js';

/** Reported by the engine itself for every statement PostgreSQL's parser rejects. */
export default defineRule({
  id: 'syntax-error',
  severity: 'error',
  preset: 'recommended',
  category: 'meta',
  dialects: ['postgresql', 'mysql'],
  docs: {
    summary: 'A statement the database would reject (PostgreSQL\'s parser; for MySQL files, the MySQL grammar)',
    why:
      'The migration fails at this statement when it runs; in a transactional runner everything before it is rolled back, otherwise the database is left half-migrated. godwit reports the parser\'s own message at its position and still lints every other statement of the file.',
    fix: 'Correct the statement. If the file is in another dialect, say so: `--dialect mysql` (or config `dialect`) for MySQL; exclude SQLite-only files from linting.',
  },
  create: () => ({}),
});
