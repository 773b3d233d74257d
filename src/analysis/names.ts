/** Relation names: schema qualification resolved against the search path. */

export interface QualifiedName {
  schema: string;
  name: string;
}

export interface RangeVarLike {
  schemaname?: string;
  relname?: string;
}

/** Key for maps: `schema.name` (names are already case-folded by the parser). */
export function qualify(rel: RangeVarLike | string, searchPath: string = 'public'): string {
  if (typeof rel === 'string') return rel.includes('.') ? rel : `${searchPath}.${rel}`;
  return `${rel.schemaname ?? searchPath}.${rel.relname ?? ''}`;
}

/** The name as the user wrote it, for messages. */
export function displayName(rel: RangeVarLike | undefined): string {
  if (!rel) return '?';
  return rel.schemaname ? `${rel.schemaname}.${rel.relname}` : String(rel.relname);
}

/** A name list node (`[{String:{sval}}…]`) as a dotted string, e.g. for DROP object names. */
export function nameListToString(list: any[] | undefined): string {
  return (list ?? []).map((n) => n?.String?.sval ?? '').join('.');
}

/** A name list split into schema and object. */
export function nameListToRange(list: any[] | undefined): RangeVarLike {
  const parts = (list ?? []).map((n) => n?.String?.sval ?? '');
  if (parts.length >= 2) return { schemaname: parts[parts.length - 2], relname: parts[parts.length - 1] };
  return { relname: parts[0] };
}

/** Bytes PostgreSQL allows in an identifier (NAMEDATALEN - 1). */
export const MAX_IDENTIFIER_BYTES = 63;
