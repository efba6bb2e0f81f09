import { getEntity } from '@insure/model/registry';
import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import { z } from 'zod';
import type { DB, Dialect } from '../../db/database.ts';
import { customFieldPredicate, customFieldsFor, type CustomFieldDefinition } from '../../entities/custom-fields.ts';
import { AppError, type FieldReasons } from '../../platform/errors.ts';

/**
 * The condition language of segments and rule tags: AND/OR groups of conditions over profile fields, tags,
 * customer fields and custom fields. A definition compiles to one SQL predicate over `customers` joined with
 * `customer_profiles as p`; nothing is filtered in JavaScript.
 */
export type Kind = 'enum' | 'text' | 'number' | 'money' | 'date' | 'set' | 'bool' | 'tag' | 'group' | 'custom';

interface FieldSpec {
  column: string;
  kind: Kind;
}

const profile = (column: string, kind: Kind): FieldSpec => ({ column: `p.${column}`, kind });
const customer = (column: string, kind: Kind): FieldSpec => ({ column: `customers.${column}`, kind });

export const conditionFields: Record<string, FieldSpec> = {
  'profile.age': profile('age', 'number'),
  'profile.ageBand': profile('age_band', 'enum'),
  'profile.lifeStage': profile('life_stage', 'enum'),
  'profile.householdSize': profile('household_size', 'number'),
  'profile.minorChildren': profile('minor_children', 'number'),
  'profile.hasSpouse': profile('has_spouse', 'bool'),
  'profile.region': profile('region', 'enum'),
  'profile.occupationClass': profile('occupation_class', 'number'),
  'profile.incomeBand': profile('income_band', 'enum'),
  'profile.valueTier': profile('value_tier', 'enum'),
  'profile.rfmScore': profile('rfm_score', 'number'),
  'profile.totalPremium': profile('total_premium', 'money'),
  'profile.tenureYears': profile('tenure_years', 'number'),
  'profile.policyCount': profile('policy_count', 'number'),
  'profile.activePolicyCount': profile('active_policy_count', 'number'),
  'profile.holdings': profile('holding_types', 'set'),
  'profile.gaps': profile('gap_codes', 'set'),
  'profile.gapCount': profile('gap_count', 'number'),
  'profile.lapseRisk': profile('lapse_risk', 'number'),
  'profile.lapseRiskLevel': profile('lapse_risk_level', 'enum'),
  'profile.satisfaction': profile('satisfaction', 'number'),
  'profile.lastContactAt': profile('last_contact_at', 'date'),
  'profile.engagementLevel': profile('engagement_level', 'enum'),
  'profile.completeness': profile('completeness', 'number'),
  'profile.claimCount': profile('claim_count', 'number'),
  'profile.claimsThisYear': profile('claims_this_year', 'number'),
  'profile.openComplaints': profile('open_complaints', 'number'),
  'profile.nextExpiryDate': profile('next_expiry_date', 'date'),
  'customer.gender': customer('gender', 'enum'),
  'customer.category': customer('category', 'enum'),
  'customer.source': customer('source', 'enum'),
  'customer.province': customer('province', 'enum'),
  'customer.city': customer('city', 'text'),
  'customer.occupation': customer('occupation', 'text'),
  'customer.maritalStatus': customer('marital_status', 'enum'),
  'customer.education': customer('education', 'enum'),
  'customer.incomeBand': customer('income_band', 'enum'),
  'customer.ownerId': customer('owner_id', 'number'),
  'customer.orgId': customer('org_id', 'number'),
  'customer.birthDate': customer('birth_date', 'date'),
  'customer.createdAt': customer('created_at', 'date'),
  tag: { column: 'customers.id', kind: 'tag' },
  group: { column: 'customers.id', kind: 'group' },
};

export const operatorsByKind: Record<Kind, string[]> = {
  enum: ['eq', 'ne', 'in', 'notIn', 'isEmpty', 'notEmpty'],
  text: ['eq', 'ne', 'contains', 'isEmpty', 'notEmpty'],
  number: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'between', 'isEmpty', 'notEmpty'],
  money: ['gt', 'gte', 'lt', 'lte', 'between'],
  date: ['before', 'after', 'withinNextDays', 'withinLastDays', 'olderThanDays', 'isEmpty', 'notEmpty'],
  set: ['contains', 'notContains', 'containsAny'],
  bool: ['isTrue', 'isFalse'],
  tag: ['has', 'notHas'],
  group: ['in', 'notIn'],
  custom: ['eq', 'contains', 'gte', 'lte'],
};

export interface Condition {
  field: string;
  op: string;
  value?: unknown;
}
export interface ConditionGroup {
  op: 'and' | 'or';
  items: (Condition | ConditionGroup)[];
}

const scalar = z.union([z.string().max(200), z.number().finite()]);
const conditionSchema: z.ZodType<Condition | ConditionGroup> = z.lazy(() =>
  z.union([
    z.strictObject({ op: z.enum(['and', 'or']), items: z.array(conditionSchema).max(50) }),
    z.strictObject({ field: z.string().max(80), op: z.string().max(30), value: z.union([scalar, z.array(scalar).max(200), z.null()]).optional() }),
  ]),
);
export const definitionSchema = z.strictObject({ op: z.enum(['and', 'or']), items: z.array(conditionSchema).max(50) });

const isGroup = (item: Condition | ConditionGroup): item is ConditionGroup => 'items' in item;

/** Parses and checks a definition (JSON text or object); problems come back as field reasons under `prefix`. */
export async function parseDefinition(db: DB, raw: unknown, prefix = 'definition'): Promise<ConditionGroup> {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new AppError('VALIDATION', {}, { [prefix]: { reason: 'invalid_format' } });
    }
  }
  const parsed = definitionSchema.safeParse(value);
  if (!parsed.success) throw new AppError('VALIDATION', {}, { [`${prefix}.${parsed.error.issues[0]?.path.join('.') ?? ''}`.replace(/\.$/, '')]: { reason: 'invalid_format' } });
  const custom = await customFieldsFor(db, getEntity('customer'));
  const problems: FieldReasons = {};
  const check = (group: ConditionGroup, path: string, depth: number) => {
    if (depth > 4) problems[path] = { reason: 'invalid_format' };
    group.items.forEach((item, index) => {
      const at = `${path}.items.${index}`;
      if (isGroup(item)) return check(item, at, depth + 1);
      const kind = kindOf(item.field, custom);
      if (!kind) return void (problems[`${at}.field`] = { reason: 'unknown_field' });
      if (!operatorsByKind[kind].includes(item.op)) return void (problems[`${at}.op`] = { reason: 'invalid_option' });
      const problem = valueProblem(kind, item.op, item.value);
      if (problem) problems[`${at}.value`] = { reason: problem };
    });
  };
  check(parsed.data as ConditionGroup, prefix, 1);
  if (Object.keys(problems).length) throw new AppError('VALIDATION', {}, problems);
  return parsed.data as ConditionGroup;
}

function kindOf(field: string, custom: CustomFieldDefinition[]): Kind | null {
  if (field.startsWith('custom.')) return custom.some((definition) => definition.key === field.slice(7) && definition.filterable) ? 'custom' : null;
  return conditionFields[field]?.kind ?? null;
}

function valueProblem(kind: Kind, op: string, value: unknown): string | null {
  if (['isEmpty', 'notEmpty', 'isTrue', 'isFalse'].includes(op)) return null;
  if (value === undefined || value === null || value === '') return 'required';
  if (['in', 'notIn', 'containsAny'].includes(op)) return Array.isArray(value) && value.length ? null : 'invalid_format';
  if (op === 'between') return Array.isArray(value) && value.length === 2 && value.every((entry) => typeof entry === 'number') ? null : 'invalid_format';
  if (Array.isArray(value)) return 'invalid_format';
  if (['withinNextDays', 'withinLastDays', 'olderThanDays'].includes(op)) return Number.isInteger(value) && Number(value) >= 0 && Number(value) <= 36500 ? null : 'invalid_format';
  if (kind === 'date') return /^\d{4}-\d{2}-\d{2}$/.test(String(value)) ? null : 'invalid_format';
  if (kind === 'number' || kind === 'money' || kind === 'tag') return typeof value === 'number' ? null : 'invalid_format';
  if (kind === 'group') return null;
  return null;
}

const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00.000Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** One SQL predicate for a checked definition (over `customers` and `customer_profiles as p`). */
export async function compileDefinition(db: DB, dialect: Dialect, definition: ConditionGroup, today: string): Promise<RawBuilder<SqlBool>> {
  const custom = await customFieldsFor(db, getEntity('customer'));
  const truth = dialect === 'postgres' ? sql`true` : sql`1`;
  const compileCondition = (condition: Condition): RawBuilder<SqlBool> => {
    if (condition.field.startsWith('custom.')) {
      const definitionOf = custom.find((candidate) => candidate.key === condition.field.slice(7))!;
      const value = condition.op === 'gte' ? { gte: condition.value } : condition.op === 'lte' ? { lte: condition.value } : condition.value;
      const parts = customFieldPredicate(dialect, 'customers', definitionOf, definitionOf.kind === 'text' && condition.op === 'eq' ? condition.value : value);
      if (condition.op === 'eq' && definitionOf.kind === 'text') {
        const text = dialect === 'postgres' ? sql`(customers.custom::jsonb ->> ${definitionOf.key})` : sql`json_extract(customers.custom, ${`$.${definitionOf.key}`})`;
        return sql<SqlBool>`${text} = ${condition.value}`;
      }
      return sql<SqlBool>`(${sql.join(parts as Expression<SqlBool>[], sql` and `)})`;
    }
    const spec = conditionFields[condition.field]!;
    const column = sql.ref(spec.column);
    const value = condition.value;
    if (spec.kind === 'group') {
      const member = sql`exists (select 1 from customers__group_ids g where g.owner_id = customers.id and g.target_id in (${sql.join(value as unknown[])}))`;
      return condition.op === 'in' ? sql<SqlBool>`${member}` : sql<SqlBool>`not ${member}`;
    }
    const money = (amount: unknown) => (spec.kind === 'money' ? Math.round(Number(amount) * 100) : amount);
    switch (condition.op) {
      case 'eq':
        return sql<SqlBool>`${column} = ${value}`;
      case 'ne':
        return sql<SqlBool>`(${column} is null or ${column} <> ${value})`;
      case 'in':
        return sql<SqlBool>`${column} in (${sql.join(value as unknown[])})`;
      case 'notIn':
        return sql<SqlBool>`(${column} is null or ${column} not in (${sql.join(value as unknown[])}))`;
      case 'gt':
        return sql<SqlBool>`${column} > ${money(value)}`;
      case 'gte':
        return sql<SqlBool>`${column} >= ${money(value)}`;
      case 'lt':
        return sql<SqlBool>`${column} < ${money(value)}`;
      case 'lte':
        return sql<SqlBool>`${column} <= ${money(value)}`;
      case 'between':
        return sql<SqlBool>`${column} between ${money((value as number[])[0])} and ${money((value as number[])[1])}`;
      case 'isEmpty':
        return spec.kind === 'text' || spec.kind === 'enum' ? sql<SqlBool>`(${column} is null or ${column} = '')` : sql<SqlBool>`${column} is null`;
      case 'notEmpty':
        return spec.kind === 'text' || spec.kind === 'enum' ? sql<SqlBool>`(${column} is not null and ${column} <> '')` : sql<SqlBool>`${column} is not null`;
      case 'contains':
        if (spec.kind === 'set') return sql<SqlBool>`${column} like ${`%,${String(value)},%`}`;
        return sql<SqlBool>`${column} like ${`%${String(value).replace(/[\\%_]/g, (char) => `\\${char}`)}%`} escape '\\'`;
      case 'notContains':
        return sql<SqlBool>`(${column} is null or ${column} not like ${`%,${String(value)},%`})`;
      case 'containsAny':
        return sql<SqlBool>`(${sql.join((value as unknown[]).map((entry) => sql`${column} like ${`%,${String(entry)},%`}`), sql` or `)})`;
      case 'before':
        return sql<SqlBool>`${column} < ${String(value)}`;
      case 'after':
        return sql<SqlBool>`${column} > ${`${String(value)}${spec.column.endsWith('_at') ? 'T23:59:59.999Z' : ''}`}`;
      case 'withinNextDays':
        return sql<SqlBool>`(${column} >= ${today} and ${column} <= ${addDays(today, Number(value))})`;
      case 'withinLastDays':
        return sql<SqlBool>`${column} >= ${addDays(today, -Number(value))}`;
      case 'olderThanDays':
        return sql<SqlBool>`${column} < ${addDays(today, -Number(value))}`;
      case 'isTrue':
        return sql<SqlBool>`${column} = ${truth}`;
      case 'isFalse':
        return sql<SqlBool>`(${column} is null or ${column} <> ${truth})`;
      case 'has':
      case 'notHas': {
        const held = sql`(exists (select 1 from customer_tag_assignments a where a.customer_id = customers.id and a.tag_id = ${value}) or exists (select 1 from customers__tag_ids j where j.owner_id = customers.id and j.target_id = ${value}))`;
        return condition.op === 'has' ? sql<SqlBool>`${held}` : sql<SqlBool>`not ${held}`;
      }
      default:
        throw new AppError('VALIDATION', {}, { op: { reason: 'invalid_option' } });
    }
  };
  const compileGroup = (group: ConditionGroup): RawBuilder<SqlBool> => {
    if (!group.items.length) return group.op === 'and' ? sql<SqlBool>`1 = 1` : sql<SqlBool>`1 = 0`;
    const parts = group.items.map((item) => (isGroup(item) ? compileGroup(item) : compileCondition(item)));
    return sql<SqlBool>`(${sql.join(parts, group.op === 'and' ? sql` and ` : sql` or `)})`;
  };
  return compileGroup(definition);
}

/** Profile columns a definition reads (the "why" of a rule tag records their values). */
export function profileColumnsOf(definition: ConditionGroup): string[] {
  const out = new Set<string>();
  const walk = (group: ConditionGroup) =>
    group.items.forEach((item) => {
      if (isGroup(item)) return walk(item);
      const spec = conditionFields[item.field];
      if (spec && spec.column.startsWith('p.')) out.add(spec.column.slice(2));
    });
  walk(definition);
  return [...out];
}
