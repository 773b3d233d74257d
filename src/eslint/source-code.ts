/**
 * SqlSourceCode: what ESLint rules see of a SQL file (`context.sourceCode`). Text, lines and
 * locations come from plugin-kit's TextSourceCodeBase; this class adds the traversal, the
 * parents, the comments, and inline config: ESLint's directive comments work in SQL
 * comments exactly as in JavaScript ones —
 *
 *   -- eslint-disable-next-line godwit/no-truncate -- emptied by the v42 cleanup job
 *   /* eslint-disable godwit/require-lock-timeout *\/
 *   /* eslint godwit/prefer-text: "error" *\/
 *
 * The line-ending pattern is godwit's (CRLF, LF or a lone CR), so ESLint's lines and columns
 * are the ones godwit reports.
 */
import { TextSourceCodeBase, VisitNodeStep, ConfigCommentParser, Directive } from '@eslint/plugin-kit';
import type { FileProblem, DirectiveType, RulesConfig, SourceLocation } from '@eslint/core';
import type { ParsedFile } from '../dialects/postgresql/types.js';
import { visitorKeysOf, type SqlComment, type SqlNode, type SqlProgram, type SqlStatementNode } from './ast.js';

/** godwit/sql accepts no language options: godwit's settings come from its config file (docs/eslint.md). */
export type SqlLanguageOptions = Record<string, never>;

const commentParser = new ConfigCommentParser();
const INLINE_CONFIG = /^\s*eslint(?:-enable|-disable(?:(?:-next)?-line)?)?(?:\s|$)/u;

export class SqlSourceCode extends TextSourceCodeBase<{
  LangOptions: SqlLanguageOptions;
  RootNode: SqlProgram;
  SyntaxElementWithLoc: SqlNode;
  ConfigNode: SqlComment;
}> {
  declare ast: SqlProgram;
  readonly visitorKeys: Record<string, string[]>;
  #steps: VisitNodeStep[] | undefined;
  #parents = new WeakMap<SqlNode, SqlNode>();
  #inlineConfig: SqlComment[] | undefined;

  constructor({ text, ast }: { text: string; ast: SqlProgram }) {
    super({ text, ast, lineEndingPattern: /\r\n|[\r\n]/u });
    this.ast = ast;
    this.visitorKeys = visitorKeysOf(ast);
  }

  /** The file's comments, found when first asked for (ast.ts). */
  get comments(): SqlComment[] {
    return this.ast.comments;
  }

  /** godwit's parse of the file (statements, tokens, comments, directives). */
  get parsed(): ParsedFile {
    return this.ast.parsed;
  }

  override getParent(node: SqlNode): SqlNode | undefined {
    this.traverse();
    return this.#parents.get(node);
  }

  override traverse(): Iterable<VisitNodeStep> {
    if (this.#steps) return this.#steps.values();
    const steps: VisitNodeStep[] = [];
    const visit = (node: SqlNode, parent: SqlNode | undefined, children: SqlStatementNode[] | undefined): void => {
      if (parent) this.#parents.set(node, parent);
      steps.push(new VisitNodeStep({ target: node, phase: 1, args: [node, parent] }));
      for (const child of children ?? []) visit(child, node, child.children);
      steps.push(new VisitNodeStep({ target: node, phase: 2, args: [node, parent] }));
    };
    visit(this.ast, undefined, this.ast.body);
    this.#steps = steps;
    return steps.values();
  }

  /** Comments holding ESLint directives or inline config. */
  getInlineConfigNodes(): SqlComment[] {
    // (a directive starts with "eslint": a file without the word has none, and its comments are not looked for)
    this.#inlineConfig ??= this.text.includes('eslint') ? this.comments.filter((c) => INLINE_CONFIG.test(c.value)) : [];
    return this.#inlineConfig;
  }

  getDisableDirectives(): { problems: FileProblem[]; directives: Directive[] } {
    const problems: FileProblem[] = [];
    const directives: Directive[] = [];
    for (const comment of this.getInlineConfigNodes()) {
      const parsed = commentParser.parseDirective(comment.value);
      if (!parsed) continue;
      const { label, value, justification } = parsed;
      if (label === 'eslint-disable-line' && comment.loc.start.line !== comment.loc.end.line) {
        problems.push({ ruleId: null, message: `${label} comment should not span multiple lines.`, loc: comment.loc as SourceLocation });
        continue;
      }
      if (label === 'eslint-disable' || label === 'eslint-enable' || label === 'eslint-disable-next-line' || label === 'eslint-disable-line') {
        directives.push(new Directive({ type: label.slice('eslint-'.length) as DirectiveType, node: comment, value, justification }));
      }
    }
    return { problems, directives };
  }

  applyInlineConfig(): { configs: Array<{ config: { rules: RulesConfig }; loc: SourceLocation }>; problems: FileProblem[] } {
    const configs: Array<{ config: { rules: RulesConfig }; loc: SourceLocation }> = [];
    const problems: FileProblem[] = [];
    for (const comment of this.getInlineConfigNodes()) {
      const parsed = commentParser.parseDirective(comment.value);
      if (parsed?.label !== 'eslint') continue;
      const result = commentParser.parseJSONLikeConfig(parsed.value);
      if (result.ok) configs.push({ config: { rules: result.config }, loc: comment.loc as SourceLocation });
      else problems.push({ ruleId: null, message: result.error.message, loc: comment.loc as SourceLocation });
    }
    return { configs, problems };
  }
}
