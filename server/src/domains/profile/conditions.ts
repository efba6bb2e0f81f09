import { getEntity } from '@insure/model/registry';
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { z } from 'zod';
import type { DB, Dialect } from '../../db/database.ts';
import { customFieldsFor, type CustomFieldDefinition } from '../../entities/custom-fields.ts';
import { AppError, type FieldReasons } from '../../platform/errors.ts';

/**
 * The condition language of segments and rule tags: AND/OR groups of conditions over profile fields, tags,
 * customer fields and custom fields. A definition compiles to one SQL predicate over `customers` joined with
 * `customer_profiles as p`; nothing is filtered in JavaScript.
 */
export type Kind = 'enum' | 'text' | 'number' | 'money' | 'date' | 'set' | 'bool' | 'tag' | 'group';

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
};

/** Admin-defined (custom) customer fields by their type: a select is an enum of its options. */
const customKinds: Record<CustomFieldDefinition['kind'], Kind> = { text: 'text', number: 'number', date: 'date', select: 'enum' };
/** Operators of a custom field; `gte`/`lte` on dates stay accepted (definitions saved before the per-type operators). */
export const customOperators = (definition: CustomFieldDefinition): string[] =>
  definition.kind === 'date' ? [...operatorsByKind.date, 'gte', 'lte'] : operatorsByKind[customKinds[definition.kind]];

/** The searchable custom fields of customers as condition fields (kind, operators, labels, options). */
export async function customConditionFields(db: DB) {
  const custom = await customFieldsFor(db, getEntity('customer'));
  return custom
    .filter((definition) => definition.filterable)
    .map((definition) => ({
      field: `custom.${definition.key}`,
      kind: customKinds[definition.kind],
      operators: customOperators(definition),
      label: { zh: definition.labelZh, en: definition.labelEn },
      options: definition.kind === 'select' ? definition.options : undefined,
    }));
}

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
      const field = fieldOf(item.field, custom);
      if (!field) return void (problems[`${at}.field`] = { reason: 'unknown_field' });
      if (!field.operators.includes(item.op)) return void (problems[`${at}.op`] = { reason: 'invalid_option' });
      const problem = valueProblem(field.kind, item.op, item.value) ?? optionProblem(field.options, item.op, item.value);
      if (problem) problems[`${at}.value`] = { reason: problem };
    });
  };
  check(parsed.data as ConditionGroup, prefix, 1);
  if (Object.keys(problems).length) throw new AppError('VALIDATION', {}, problems);
  return parsed.data as ConditionGroup;
}

function fieldOf(field: string, custom: CustomFieldDefinition[]): { kind: Kind; operators: string[]; options?: string[] } | null {
  if (field.startsWith('custom.')) {
    const definition = custom.find((candidate) => candidate.key === field.slice(7) && candidate.filterable);
    return definition ? { kind: customKinds[definition.kind], operators: customOperators(definition), options: definition.kind === 'select' ? definition.options : undefined } : null;
  }
  const spec = conditionFields[field];
  return spec ? { kind: spec.kind, operators: operatorsByKind[spec.kind] } : null;
}

/** A select field's values must be among its options. */
function optionProblem(options: string[] | undefined, op: string, value: unknown): string | null {
  if (!options || !['eq', 'ne', 'in', 'notIn'].includes(op)) return null;
  return (Array.isArray(value) ? value : [value]).every((entry) => options.includes(String(entry))) ? null : 'invalid_option';
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
  const customColumn = (definition: CustomFieldDefinition): FieldSpec & { sql: RawBuilder<unknown> } => {
    const text = dialect === 'postgres' ? sql`(customers.custom::jsonb ->> ${definition.key})` : sql`json_extract(customers.custom, ${`$.${definition.key}`})`;
    return { column: `custom.${definition.key}`, kind: customKinds[definition.kind], sql: definition.kind === 'number' && dialect === 'postgres' ? sql`(${text})::numeric` : text };
  };
  const compileCondition = (condition: Condition): RawBuilder<SqlBool> => {
    const spec = condition.field.startsWith('custom.') ? customColumn(custom.find((candidate) => candidate.key === condition.field.slice(7))!) : { ...conditionFields[condition.field]!, sql: sql.ref(conditionFields[condition.field]!.column) };
    const column = spec.sql;
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
        if (spec.kind === 'set') return dialect === 'postgres' ? sql<SqlBool>`${setArray(column)} @> array[${String(value)}]::text[]` : sql<SqlBool>`${column} like ${`%,${String(value)},%`}`;
        return sql<SqlBool>`${column} like ${`%${String(value).replace(/[\\%_]/g, (char) => `\\${char}`)}%`} escape '\\'`;
      case 'notContains':
        if (dialect === 'postgres') return sql<SqlBool>`(${column} is null or not (${setArray(column)} @> array[${String(value)}]::text[]))`;
        return sql<SqlBool>`(${column} is null or ${column} not like ${`%,${String(value)},%`})`;
      case 'containsAny':
        if (dialect === 'postgres') return sql<SqlBool>`${setArray(column)} && array[${sql.join((value as unknown[]).map(String))}]::text[]`;
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
    // Cheapest tests first (the result is the same): SQLite evaluates AND/OR left to right and stops early, and a
    // count over everyone evaluates the predicate once per customer (a third of a 3-condition count at 1M).
    const items = [...group.items].sort((a, b) => evaluationCost(a) - evaluationCost(b));
    const parts = items.map((item) => (isGroup(item) ? compileGroup(item) : compileCondition(item)));
    return sql<SqlBool>`(${sql.join(parts, group.op === 'and' ? sql` and ` : sql` or `)})`;
  };
  return compileGroup(definition);
}

/** A ',a,b,' set column as a text array: the expression the GIN indexes of profileSetIndexStatements are built on. */
const setArray = (column: RawBuilder<unknown>) => sql`string_to_array(${column}, ',')`;

/** Rough relative cost of testing an item for one customer: comparisons, then lists, then text scans and JSON, then subqueries. */
function evaluationCost(item: ConditionGroup | Condition): number {
  if (isGroup(item)) return 4;
  if (item.op === 'has' || item.op === 'notHas' || conditionFields[item.field]?.kind === 'group') return 5;
  if (item.field.startsWith('custom.')) return 3;
  if (item.op === 'contains' || item.op === 'notContains' || item.op === 'containsAny') return 2;
  if (item.op === 'in' || item.op === 'notIn') return 1;
  return 0;
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
