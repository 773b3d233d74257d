/** Edits of builder calls for fixes: setting an option in an options object literal. */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { Edit } from '../../../engine/types.js';
import { keyName, unwrap, type Node } from '../ast.js';

/**
 * Set `key: value` (value as source text) in the options object `options`: replace the value
 * of an existing `key`, or add the property at the start of the object. Without an options
 * object, add `{ key: value }` as a new argument after `after`. Undefined when the options are
 * not an object literal (a variable, spread: not 1:1).
 */
export function setOption(options: Node | undefined, after: Node, key: string, value: string): Edit | undefined {
  if (!options) return { range: [after.range[1], after.range[1]], text: `, { ${key}: ${value} }` };
  const o = unwrap(options);
  if (o.type !== 'ObjectExpression') return undefined;
  if (o.properties.some((p) => p.type === 'SpreadElement')) return undefined;
  const existing = o.properties.find((p): p is TSESTree.Property => p.type === 'Property' && keyName(p.key as Node, p.computed) === key);
  if (existing) {
    if (existing.shorthand) return undefined;
    return { range: [existing.value.range[0], existing.value.range[1]], text: value };
  }
  if (o.properties.length === 0) return { range: [o.range[0], o.range[1]], text: `{ ${key}: ${value} }` };
  return { range: [o.range[0] + 1, o.range[0] + 1], text: ` ${key}: ${value},` };
}
