import { defineRule } from '../src/engine/types.js';

/** Reported by the engine's suppression pass (src/engine/suppressions.ts). */
export default defineRule({
  id: 'unused-suppression',
  severity: 'warn',
  preset: 'recommended',
  category: 'meta',
  dialects: ['postgresql', 'mysql'],
  docs: {
    summary: 'A godwit-ignore comment that names an unknown rule or suppresses nothing',
    why:
      'A stale suppression hides the next real problem on that statement, and a misspelt rule id suppresses nothing at all while looking as if it did.',
    fix: 'Remove the comment, or correct the rule id:\n\n-- godwit-ignore no-drop-column -- contract phase of the v42 rename\nALTER TABLE users DROP COLUMN legacy_name;',
  },
  create: () => ({}),
});
