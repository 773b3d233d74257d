/**
 * A rule's visitors sorted into the three kinds both linters run: `Statement` (every
 * statement), `File:exit` (after the last one) and node or statement kinds (a dispatch table).
 */
export interface VisitorTable<S> {
  handlers: Map<string, Array<(node: any, stmt: S) => void>>;
  onStatement: Array<(s: S) => void>;
  onExit: Array<() => void>;
}

export function visitorTable<S>(): VisitorTable<S> {
  return { handlers: new Map(), onStatement: [], onExit: [] };
}

/** Add one rule's visitors to the table. */
export function addVisitors<S>(table: VisitorTable<S>, visitors: object): void {
  // (for…in: no entries array per rule and file)
  for (const key in visitors) {
    const fn = (visitors as Record<string, unknown>)[key];
    if (typeof fn !== 'function') continue;
    if (key === 'Statement') table.onStatement.push(fn as (s: S) => void);
    else if (key === 'File:exit') table.onExit.push(fn as () => void);
    else {
      let list = table.handlers.get(key);
      if (!list) table.handlers.set(key, (list = []));
      list.push(fn as (node: any, stmt: S) => void);
    }
  }
}
