import type { Entity } from '@insure/model/entity';
import { rangeKinds, type ListQuery } from '@insure/model/derive/query';
import { blindIndexedKinds, columnName, type Field } from '@insure/model/field';
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { Dialect, KeywordMode, Tables } from '../db/database.ts';
import type { FieldCipher } from '../platform/crypto.ts';
import { joinTableName } from '../db/entity-tables.ts';
import { type CustomFieldDefinition, customFieldPredicate } from './custom-fields.ts';

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (char) => `\\${char}`);
// SQLite has no default LIKE escape character; PostgreSQL's is the backslash: say it explicitly for both.
const like = (column: Expression<unknown>, pattern: string) => sql<SqlBool>`${column} like ${pattern} escape '\\'`;
const ilike = (column: Expression<unknown>, pattern: string) => sql<SqlBool>`${column} ilike ${pattern} escape '\\'`;

function toColumnValue(field: Field, value: unknown): unknown {
  return field.kind === 'money' ? Math.round(Number(value) * 100) : value;
}

/** Builds the WHERE of a list from the validated query (every column comes from the declaration, never from input). */
export function listPredicate(
  entity: Entity,
  query: Pick<ListQuery, 'q' | 'filters'>,
  cipher: FieldCipher,
  dialect: Dialect,
  customDefinitions: CustomFieldDefinition[] = [],
  keywordMode: KeywordMode = 'prefix',
) {
  return (eb: ExpressionBuilder<Tables, string>): Expression<SqlBool> => {
    const table = entity.table;
    const ref = (column: string) => sql.ref(`${table}.${column}`);
    const conditions: Expression<SqlBool>[] = [];
    const filters = query.filters ?? {};
    if (Array.isArray(filters.status)) conditions.push(eb(ref('status'), 'in', filters.status as string[]));
    if (Array.isArray(filters.ids)) conditions.push(eb(ref('id'), 'in', filters.ids as number[]));
    for (const [key, value] of Object.entries((filters.custom as Record<string, unknown> | undefined) ?? {})) {
      const definition = customDefinitions.find((candidate) => candidate.key === key);
      if (definition) conditions.push(...customFieldPredicate(dialect, table, definition, value));
    }
    for (const [name, value] of Object.entries(filters)) {
      const field = entity.fields[name];
      if (!field || value === undefined) continue;
      const column = columnName(name);
      if (field.pii) {
        if (blindIndexedKinds.has(field.kind)) conditions.push(eb(ref(`${column}_bidx`), '=', cipher.blindIndex(String(value))));
      } else if (rangeKinds.has(field.kind)) {
        const range = value as { gte?: unknown; lte?: unknown };
        if (range.gte !== undefined) conditions.push(eb(ref(column), '>=', toColumnValue(field, range.gte)));
        if (range.lte !== undefined) conditions.push(eb(ref(column), '<=', toColumnValue(field, range.lte)));
      } else if (field.kind === 'refMany') {
        const join = joinTableName(entity, name);
        conditions.push(
          eb.exists(
            eb
              .selectFrom(join)
              .select(sql.lit(1).as('one'))
              .whereRef(`${join}.owner_id`, '=', `${table}.id`)
              .where(`${join}.target_id`, 'in', value as number[]),
          ),
        );
      } else if (field.kind === 'enum' || field.kind === 'ref') {
        conditions.push(eb(ref(column), 'in', value as (string | number)[]));
      } else if (field.kind === 'bool') {
        conditions.push(eb(ref(column), '=', dialect === 'postgres' ? value : value ? 1 : 0));
      } else if (field.filterMatch === 'exact') {
        conditions.push(eb(ref(column), '=', String(value)));
      } else {
        conditions.push(like(ref(column), `%${escapeLike(String(value))}%`));
      }
    }
    const keyword = query.q?.trim();
    if (keyword) conditions.push(keywordPredicate(entity, keyword, cipher, eb, keywordMode));
    return conditions.length ? eb.and(conditions) : sql<SqlBool>`1 = 1`;
  };
}

/** Keyword box over live rows: prefix (or, on PostgreSQL with pg_trgm, substring) match on code and text search fields, exact match on phone / ID number. */
function keywordPredicate(entity: Entity, keyword: string, cipher: FieldCipher, eb: ExpressionBuilder<Tables, string>, mode: KeywordMode) {
  return eb.or(keywordAlternatives(entity, keyword, cipher, eb, mode));
}

/** Keywords this long match anywhere in the text on PostgreSQL with pg_trgm (shorter ones have no whole trigram to look up). */
export const substringMinLength = 3;

/**
 * The keyword box's alternatives, one per searched column: lists run each as its own indexed query and unite them.
 * Prefix (SQLite; PostgreSQL without pg_trgm; and short keywords everywhere): `LIKE 'kw%'` on the pattern B-tree
 * indexes (NOCASE on SQLite), whose `(value, deleted_at, list order)` order gives a page's first rows without
 * sorting every match — what a one- or two-character surname search needs. Trigram (PostgreSQL with pg_trgm,
 * keywords of three or more characters): `ILIKE '%kw%'`, answered by the GIN trigram indexes (search-indexes.ts).
 */
export function keywordAlternatives(
  entity: Entity,
  keyword: string,
  cipher: FieldCipher,
  eb: ExpressionBuilder<Tables, string>,
  mode: KeywordMode = 'prefix',
): Expression<SqlBool>[] {
  const table = entity.table;
  const substring = mode === 'trigram' && [...keyword].length >= substringMinLength;
  const pattern = substring ? `%${escapeLike(keyword)}%` : `${escapeLike(keyword)}%`;
  const match = (column: string) => (substring ? ilike : like)(sql.ref(`${table}.${column}`), pattern);
  const alternatives: Expression<SqlBool>[] = [match('code')];
  for (const [name, field] of Object.entries(entity.fields)) {
    if (!field.search) continue;
    const column = columnName(name);
    if (field.pii && blindIndexedKinds.has(field.kind)) {
      const match = eb(sql.ref(`${table}.${column}_bidx`), '=', cipher.blindIndex(keyword));
      // A unique field's index covers live rows only; saying so inside the branch lets SQLite use it within the OR.
      alternatives.push(field.unique ? eb.and([match, eb(sql.ref(`${table}.deleted_at`), 'is', null)]) : match);
    } else if (!field.pii) {
      alternatives.push(match(column));
    }
  }
  return alternatives;
}
