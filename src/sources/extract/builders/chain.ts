/** Method chains of the fluent schema builders (Knex `knex.schema…`, Kysely `db.schema…`). */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { unwrap, type Node } from '../ast.js';

export interface Link {
  name: string;
  args: Node[];
  call: TSESTree.CallExpression;
}

/**
 * `a.b(1).c(2)` → root `a`, links [b(1), c(2)]. Property reads between calls
 * (`knex.schema`) stay in the root, and so does a first plain call (`knex('t')` in
 * `knex('t').where(…)`); undefined when the callee is not a plain member chain.
 */
export function flatten(call: TSESTree.CallExpression): { root: Node; links: Link[] } | undefined {
  const links: Link[] = [];
  let cur: Node = call;
  for (;;) {
    const u = unwrap(cur);
    if (u.type === 'CallExpression') {
      const callee = unwrap(u.callee as Node);
      // a call of a plain function starts the chain: `knex('users').where(…).update(…)`
      if (callee.type !== 'MemberExpression' && links.length) return { root: u, links };
      if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier') return undefined;
      links.unshift({ name: callee.property.name, args: u.arguments as Node[], call: u });
      cur = callee.object as Node;
      continue;
    }
    if (u.type === 'AwaitExpression') return undefined;
    return links.length ? { root: u, links } : undefined;
  }
}
