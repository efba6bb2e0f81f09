import type { Entity } from '@insure/model/entity';
import { columnName } from '@insure/model/field';
import { type ExpressionBuilder, type Expression, type SqlBool, sql } from 'kysely';
import type { Tables } from '../../db/database.ts';
import type { Actor } from './actor.ts';

/**
 * The data-scope predicate (SPEC §1): one expression applied by the engine to every list, detail,
 * count, export and relation lookup of an entity.
 * - all: everything; org: rows whose organisation is in the actor's subtree;
 * - own: rows the actor owns (entities with an owner), else rows of the actor's own organisation.
 */
export function scopePredicate(entity: Entity, actor: Actor, table = entity.table) {
  return (eb: ExpressionBuilder<Tables, string>): Expression<SqlBool> => {
    const rule = entity.scope;
    if (!rule || actor.dataScope === 'all') return sql<SqlBool>`1 = 1`;
    const column = (name: string) => sql.ref(`${table}.${name === 'id' ? 'id' : columnName(name)}`);
    if (actor.dataScope === 'own') {
      if (rule.owner) {
        const actorValue = actor[rule.owner.actorKey];
        return actorValue == null ? sql<SqlBool>`1 = 0` : eb(column(rule.owner.field), '=', actorValue);
      }
      return rule.org ? eb(column(rule.org), '=', actor.orgId) : sql<SqlBool>`1 = 0`;
    }
    if (!rule.org) return sql<SqlBool>`1 = 1`;
    const subtree = eb
      .selectFrom('organisations as scope_org')
      .select('scope_org.id')
      .where('scope_org.path', 'like', `${actor.orgPath}%`);
    return eb(column(rule.org), 'in', subtree);
  };
}
