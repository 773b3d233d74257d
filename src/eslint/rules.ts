/**
 * One ESLint rule per godwit rule, `godwit/<id>`, generated from the godwit rule list, so a
 * new godwit rule is an ESLint rule with no change here. Each rule works in `.sql` files
 * (language `godwit/sql`) and in JS/TS migrations (ESLint's JavaScript language, with
 * @typescript-eslint/parser for TypeScript): it listens for `Program`, the root of both.
 *
 * A rule reports the godwit findings of its own id from the file's shared analysis
 * (analysis.ts), at godwit's positions, with godwit's message; a godwit fix becomes an
 * ESLint fix and godwit suggestions ESLint suggestions.
 *
 * The rules are typed with typescript-eslint's types, but plain objects: importing
 * `@typescript-eslint/utils` for its `RuleCreator` loaded ~300 modules (0.25 s) into every
 * ESLint run, for rules that take no options.
 */
import type { TSESLint } from '@typescript-eslint/utils';
import type { Finding, RuleDefinition } from '../engine/types.js';
import { SourceText } from '../dialects/postgresql/source.js';
import { ruleDocsUrl } from '../report/common.js';
import { analysisFor, register } from './analysis.js';
import type { SqlSourceCode } from './source-code.js';

export type MessageIds = 'finding' | 'suggestion';
export type GodwitRuleModule = TSESLint.RuleModule<MessageIds, []>;

/** What the rules use of `context.sourceCode`, in either language. */
interface TextSource {
  text: string;
  getLocFromIndex(index: number): { line: number; column: number };
  /** the godwit parse, on SqlSourceCode only */
  parsed?: SqlSourceCode['parsed'];
  /** the ESTree Program, in JavaScript/TypeScript files */
  ast?: unknown;
}

export interface GodwitRuleDocs {
  description: string;
  /** what goes wrong in production */
  why: string;
  /** the safe way */
  fix: string;
  /** the smallest godwit preset (and ESLint config) that enables the rule */
  preset: RuleDefinition['preset'];
  recommended: boolean;
  category: RuleDefinition['category'];
  /** docs/rules/<id>.md in the repository, when package.json names it */
  url?: string;
}

export function createRule(def: RuleDefinition): GodwitRuleModule {
  const docs: GodwitRuleDocs = {
    description: def.docs.summary,
    why: def.docs.why,
    fix: def.docs.fix,
    preset: def.preset,
    recommended: def.preset === 'recommended',
    category: def.category,
  };
  const url = ruleDocsUrl(def.id);
  if (url) docs.url = url;
  return {
    meta: {
      type: def.category === 'hygiene' ? 'suggestion' : 'problem',
      docs,
      fixable: def.fixable ? 'code' : undefined,
      hasSuggestions: def.hasSuggestions ?? false,
      schema: [],
      defaultOptions: [],
      messages: { finding: '{{message}}', suggestion: '{{desc}}' },
      languages: ['js/js', 'godwit/sql'],
    },
    create(context: Readonly<TSESLint.RuleContext<MessageIds, []>>) {
      const source = context.sourceCode as unknown as TextSource;
      register(source, def.id);
      return {
        Program() {
          const result = analysisFor(source, {
            text: source.text,
            filename: context.filename,
            cwd: context.cwd,
            settings: context.settings as Record<string, unknown>,
            parsed: source.parsed,
            ast: source.parsed ? undefined : source.ast,
          });
          let lines: SourceText | undefined;
          for (const f of result.messages) {
            if (f.ruleId !== def.id) continue;
            lines ??= source.parsed?.source.text === source.text ? source.parsed.source : new SourceText(source.text);
            context.report({
              messageId: 'finding',
              data: { message: f.message },
              loc: locOf(f, lines, source),
              fix: f.fix ? edit(f.fix) : null,
              // ESLint throws on suggestions from a rule that does not declare them: drop them rather
              // than fail the file (test/eslint-language.test.ts checks the declarations on the fixtures)
              suggest: def.hasSuggestions ? (f.suggestions?.map((s) => ({ messageId: 'suggestion' as const, data: { desc: s.desc }, fix: edit(s.fix) })) ?? null) : null,
            });
          }
        },
      };
    },
  };
}

function edit(e: NonNullable<Finding['fix']>): TSESLint.ReportFixFunction {
  return (fixer) => fixer.replaceTextRange(e.range, e.text);
}

/**
 * godwit's 1-based line/column (UTF-16, godwit's line breaks) → a text offset → the location
 * in the language's own convention (1-based columns for godwit/sql, 0-based for JavaScript).
 */
function locOf(f: Finding, lines: SourceText, source: TextSource): { start: { line: number; column: number }; end: { line: number; column: number } } {
  const offset = (line: number, column: number): number => {
    const start = lines.lineStarts[line - 1] ?? source.text.length;
    return Math.min(start + column - 1, source.text.length);
  };
  const start = offset(f.line, f.column);
  const end = Math.max(start, offset(f.endLine, f.endColumn));
  return { start: source.getLocFromIndex(start), end: source.getLocFromIndex(end) };
}

/** `godwit/<id>` → rule, for every godwit rule. */
export function createRules(defs: readonly RuleDefinition[]): Record<string, GodwitRuleModule> {
  return Object.fromEntries(defs.map((d) => [d.id, createRule(d)]));
}
