/**
 * ALTER TABLE subcommands: where each one sits in the text (for precise findings and fixes),
 * the lock of one subcommand as a finding's `Lock`, the walk over the subcommands of an
 * existing table that most lock rules make, and SQL spelling of names for the plans that rules
 * write into their messages.
 */
import type { Statement } from '../dialects/postgresql/types.js';
import type { RuleContext } from '../engine/types.js';
import { displayName, type RangeVarLike } from './names.js';
import { blockedBy, type Duration, type Lock } from './lock-types.js';
import type { LockEffect } from './locks.js';

export interface TokenLike {
  start: number;
  end: number;
  text: string;
}

/** The lock of one subcommand effect, in the shape findings carry. */
export function effectLock(e: LockEffect, duration: Duration = e.duration): Lock {
  return { table: e.table, mode: e.mode, blocks: blockedBy(e.mode), duration };
}

/** The AlterTableCmd bodies of an AlterTableStmt body, in textual order. */
export function alterCmds(body: any): any[] {
  return (body?.cmds ?? []).map((c: any) => c?.AlterTableCmd).filter(Boolean);
}

export interface Span {
  start: number;
  end: number;
}

/**
 * The scanner tokens of each subcommand of an ALTER TABLE statement, in the order of the
 * parse tree's `cmds` (AlterTableCmd nodes carry no location): the tokens after the relation
 * name, split at commas outside parentheses and brackets. Undefined when the split does not
 * match the parse tree's subcommand count (then callers fall back to the statement's range
 * and offer no token-based fix).
 */
export function subcommandTokens<T extends TokenLike>(stmt: Statement, tokens: T[]): T[][] | undefined {
  const cmdCount = (stmt.body?.cmds ?? []).length;
  const rel = stmt.body?.relation;
  if (!cmdCount || !rel || typeof rel.location !== 'number') return undefined;
  const relStart = stmt.locate(rel.location);
  let i = tokens.findIndex((t) => t.start >= relStart);
  if (i < 0) return undefined;
  // the relation name: ident ( '.' ident )* [ '*' ]
  i++;
  while (i + 1 < tokens.length && tokens[i].text === '.') i += 2;
  if (i < tokens.length && tokens[i].text === '*') i++;
  const groups: T[][] = [[]];
  let depth = 0;
  for (; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.text === ';' && depth === 0) break;
    if (t.text === ',' && depth === 0) {
      groups.push([]);
      continue;
    }
    if (t.text === '(' || t.text === '[') depth++;
    else if (t.text === ')' || t.text === ']') depth = Math.max(0, depth - 1);
    groups[groups.length - 1].push(t);
  }
  if (groups.length !== cmdCount || groups.some((g) => g.length === 0)) return undefined;
  return groups;
}

/** The UTF-16 span of every subcommand of an ALTER TABLE statement (see subcommandTokens). */
export function subcommandSpans(stmt: Statement, tokens: TokenLike[]): Span[] | undefined {
  return subcommandTokens(stmt, tokens)?.map((g) => ({ start: g[0].start, end: g[g.length - 1].end }));
}

/**
 * The text of the clause after `keyword` in one subcommand, from its scanner tokens:
 * `TYPE bigint USING …` → `bigint`, `DEFAULT now() NOT NULL` → `now()`. The clause ends
 * before the first word of `stops` outside parentheses and brackets (lower case), or with the
 * subcommand. Undefined without a span, without the keyword, or when nothing follows it.
 */
export function clauseText(text: string, tokens: TokenLike[], span: Span | undefined, keyword: string, stops: ReadonlySet<string>): string | undefined {
  if (!span) return undefined;
  const inSpan = tokens.filter((t) => t.start >= span.start && t.end <= span.end);
  const at = inSpan.findIndex((t) => t.text.toLowerCase() === keyword);
  if (at < 0) return undefined;
  let depth = 0;
  let last: { end: number } | undefined;
  for (let j = at + 1; j < inSpan.length; j++) {
    const t = inSpan[j];
    if (depth === 0 && stops.has(t.text.toLowerCase())) break;
    if (t.text === '(' || t.text === '[') depth++;
    else if (t.text === ')' || t.text === ']') depth--;
    last = t;
  }
  return last ? text.slice(inSpan[at + 1].start, last.end) : undefined;
}

/** One subcommand of an ALTER TABLE of an existing table, as `forEachSubcommand` visits it. */
export interface SubcommandSite {
  /** the altered table, as written, and as locks name it (`displayName`) */
  rel: RangeVarLike;
  table: string;
  /** the subcommand's position in the statement */
  index: number;
  /**
   * where the subcommand is written; undefined when the token split does not match the parse
   * tree. Read it (and `range`) only to report: reading it scans the statement.
   */
  readonly span: Span | undefined;
  /** the span as a finding's `range` (undefined: report at a node or the statement instead) */
  readonly range: [number, number] | undefined;
  /** the subcommand's lock effects on the altered table itself (`ctx.cmdEffects`, computed on call) */
  effects(): LockEffect[];
}

/**
 * Visit every subcommand of an `ALTER TABLE` (objtype TABLE: not ALTER INDEX, VIEW, FOREIGN
 * TABLE, …) of a table that existed before this migration; a table created earlier in the
 * file holds no rows and no traffic yet, so it is not visited at all. `node` is the
 * AlterTableStmt body the visitor got, `stmt` its statement.
 */
export function forEachSubcommand(
  ctx: Pick<RuleContext, 'isNewTable' | 'tokensOf' | 'cmdEffects'>,
  node: any,
  stmt: Statement,
  visit: (cmd: any, site: SubcommandSite) => void,
): void {
  const rel: RangeVarLike | undefined = node.relation;
  if (node.objtype !== 'OBJECT_TABLE' || !rel || ctx.isNewTable(rel)) return;
  const statement = new AlterStatement(ctx, stmt, rel);
  const cmds = alterCmds(node);
  for (let index = 0; index < cmds.length; index++) visit(cmds[index], new Site(statement, cmds[index], index));
}

/** What the subcommand sites of one ALTER TABLE share. */
class AlterStatement {
  readonly table: string;
  private spans: Span[] | undefined | null = null;

  constructor(
    readonly ctx: Pick<RuleContext, 'tokensOf' | 'cmdEffects'>,
    readonly stmt: Statement,
    readonly rel: RangeVarLike,
  ) {
    this.table = displayName(rel);
  }

  /**
   * The statement is scanned for the subcommands' positions only when a rule reads `span` or
   * `range` (most subcommands are not reported): scanning every ALTER TABLE was 10% of a run.
   */
  spanOf(index: number): Span | undefined {
    if (this.spans === null) this.spans = subcommandSpans(this.stmt, this.ctx.tokensOf(this.stmt));
    return this.spans?.[index];
  }
}

/**
 * A SubcommandSite (a class: its getters are shared, where an object literal's are made anew
 * for every subcommand that every rule visits). `effects` stays an own function: rules
 * destructure it.
 */
class Site implements SubcommandSite {
  readonly rel: RangeVarLike;
  readonly table: string;
  readonly effects: () => LockEffect[];

  constructor(
    private readonly statement: AlterStatement,
    cmd: any,
    readonly index: number,
  ) {
    this.rel = statement.rel;
    this.table = statement.table;
    this.effects = () => statement.ctx.cmdEffects(statement.rel, cmd).filter((e) => e.table === statement.table);
  }

  get span(): Span | undefined {
    return this.statement.spanOf(this.index);
  }

  get range(): [number, number] | undefined {
    const span = this.statement.spanOf(this.index);
    return span ? [span.start, span.end] : undefined;
  }
}

const SIMPLE_IDENT = /^[a-z_][a-z0-9_$]*$/;
/** Words that cannot stand as a bare column or table name (a conservative subset). */
const RESERVED = new Set([
  'all', 'analyse', 'analyze', 'and', 'any', 'array', 'as', 'asc', 'asymmetric', 'both', 'case', 'cast', 'check',
  'collate', 'column', 'constraint', 'create', 'current_catalog', 'current_date', 'current_role', 'current_time',
  'current_timestamp', 'current_user', 'default', 'deferrable', 'desc', 'distinct', 'do', 'else', 'end', 'except',
  'false', 'fetch', 'for', 'foreign', 'from', 'grant', 'group', 'having', 'in', 'initially', 'intersect', 'into',
  'lateral', 'leading', 'limit', 'localtime', 'localtimestamp', 'not', 'null', 'offset', 'on', 'only', 'or',
  'order', 'placing', 'primary', 'references', 'returning', 'select', 'session_user', 'some', 'symmetric',
  'system_user', 'table', 'then', 'to', 'trailing', 'true', 'union', 'unique', 'user', 'using', 'variadic', 'when',
  'where', 'window', 'with',
]);

/** An identifier as SQL: bare when it can be, double-quoted otherwise. */
export function quoteIdent(name: string): string {
  return SIMPLE_IDENT.test(name) && !RESERVED.has(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** A relation as SQL, schema-qualified when the statement qualified it. */
export function relationSql(rel: RangeVarLike): string {
  return (rel.schemaname ? `${quoteIdent(rel.schemaname)}.` : '') + quoteIdent(String(rel.relname ?? '?'));
}

/** A name list (`[{String:{sval}}]`, e.g. constraint keys) as a SQL column list. */
export function columnListSql(keys: any[] | undefined): string {
  return (keys ?? []).map((k: any) => quoteIdent(String(k?.String?.sval ?? '?'))).join(', ');
}

/** The 1-based line a statement starts on, for "(line N)" references in messages. */
export function lineOf(stmt: Statement, position: (index: number) => { line: number }): number {
  return position(stmt.start).line;
}
