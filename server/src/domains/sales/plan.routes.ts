import { getEntity } from '@insure/model/registry';
import { fieldInputSchema } from '@insure/model/derive/zod';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Row } from '../../db/database.ts';
import type { Services } from '../../entities/context.ts';
import { getRecord, loadRow, scopedRows } from '../../entities/read.ts';
import { columnsToField } from '../../entities/row-mapper.ts';
import { audit, createRecord } from '../../entities/write.ts';
import type { Actor } from '../../platform/access/actor.ts';
import { AppError } from '../../platform/errors.ts';
import { inTransaction, parseInput, requirePermission } from '../../platform/http.ts';
import { isValidIsoDate } from '@insure/model/validators';
import { type Figures, sliceFigures } from './figures.ts';
import { elapsedFraction } from './periods.ts';

const idParams = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const date = z.string().refine(isValidIsoDate, { error: 'invalid_date' });
const treeQuery = z.strictObject({ from: date.optional(), to: date.optional() });

/** Metrics a plan sets targets for: plan field stem → figure. */
const metrics = [
  { stem: 'premium', figure: 'premium', target: 'premiumTarget', stretch: 'premiumStretch', challenge: 'premiumChallenge' },
  { stem: 'policyCount', figure: 'policyCount', target: 'policyCountTarget', stretch: 'policyCountStretch', challenge: 'policyCountChallenge' },
  { stem: 'newCustomer', figure: 'newCustomers', target: 'newCustomerTarget', stretch: 'newCustomerStretch', challenge: 'newCustomerChallenge' },
] as const;
const targetFields = metrics.flatMap((metric) => [metric.target, metric.stretch, metric.challenge]);

type PlanValues = Record<string, unknown> & { id: number; periodStart: string; periodEnd: string; orgId: number; salespersonId: number | null; parentId: number | null };

function planValues(row: Row): PlanValues {
  const entity = getEntity('salesPlan');
  const values: Record<string, unknown> = { id: Number(row.id), code: row.code, version: Number(row.version) };
  for (const [name, field] of Object.entries(entity.fields)) values[name] = columnsToField(field, name, row);
  return values as PlanValues;
}

/**
 * Progress of one metric: achieved against each level, and against where it should stand by now
 * (the target times the share of the period elapsed): behind when below that.
 */
function metricProgress(plan: PlanValues, metric: (typeof metrics)[number], figures: Figures, elapsed: number) {
  const achieved = figures[metric.figure];
  const target = plan[metric.target] as number | null;
  if (target === null || target === undefined) return { achieved, target: null, stretch: null, challenge: null, percent: null, expected: null, behind: false, levelReached: null };
  const stretch = (plan[metric.stretch] as number | null) ?? null;
  const challenge = (plan[metric.challenge] as number | null) ?? null;
  const expected = Math.round(target * elapsed * 100) / 100;
  const levelReached = challenge !== null && achieved >= challenge ? 'challenge' : stretch !== null && achieved >= stretch ? 'stretch' : achieved >= target ? 'target' : null;
  return { achieved, target, stretch, challenge, percent: target ? Math.round((achieved / target) * 10_000) / 100 : null, expected, behind: achieved < expected, levelReached };
}

async function planProgress(services: Services, actor: Actor, plan: PlanValues) {
  const { db } = services.database;
  let orgPath: string | null = null;
  if (plan.salespersonId === null) {
    const org = await db.selectFrom('organisations').select('path').where('id', '=', plan.orgId).executeTakeFirst();
    orgPath = org ? String(org.path) : '/none/';
  }
  const figures = await sliceFigures(db, actor, { salespersonId: plan.salespersonId, orgPath }, plan.periodStart, plan.periodEnd);
  const today = services.clock.now().toISOString().slice(0, 10);
  const elapsed = elapsedFraction(plan.periodStart, plan.periodEnd, today);
  const progress = Object.fromEntries(metrics.map((metric) => [metric.stem, metricProgress(plan, metric, figures, elapsed)]));
  return { elapsedPercent: Math.round(elapsed * 10_000) / 100, behind: Object.values(progress).some((metric) => metric.behind), figures, progress };
}

/** Children's targets added up against the parent's: a warning for each that does not add up. */
function childSums(plan: PlanValues, children: PlanValues[]) {
  if (!children.length) return { sums: null, mismatches: [] as string[] };
  const sums: Record<string, number | null> = {};
  const mismatches: string[] = [];
  for (const field of ['premiumTarget', 'policyCountTarget', 'newCustomerTarget']) {
    const values = children.map((child) => child[field] as number | null).filter((value): value is number => value !== null);
    const sum = values.length ? Math.round(values.reduce((total, value) => total + value * 100, 0)) / 100 : null;
    sums[field] = sum;
    const own = plan[field] as number | null;
    if (own !== null && (sum ?? 0) !== own) mismatches.push(field);
  }
  return { sums, mismatches };
}

export function registerPlanRoutes(app: FastifyInstance, services: Services): void {
  const salesPlan = getEntity('salesPlan');
  const { db } = services.database;
  const notesBody = z.strictObject({ ownerNotes: (fieldInputSchema(salesPlan.fields.ownerNotes!) as z.ZodType<string | null>).nullable() });
  const child = z.strictObject({
    name: fieldInputSchema(salesPlan.fields.name!) as z.ZodType<string>,
    periodType: z.enum(['month', 'quarter', 'year']),
    periodStart: date,
    periodEnd: date,
    orgId: z.number().int().positive(),
    salespersonId: z.number().int().positive().nullable().optional(),
    ...Object.fromEntries(targetFields.map((field) => [field, (fieldInputSchema(salesPlan.fields[field]!) as z.ZodType<number>).nullable().optional()])),
  });
  const splitBody = z.strictObject({ children: z.array(child).min(1).max(100) });

  app.get('/api/sales-plans/tree', { schema: { tags: ['salesPlan'], summary: 'Plans in scope overlapping a window, as a tree with live progress, children sums and behind-plan flags' } }, async (request) => {
    const actor = requirePermission(request, 'salesPlan:view');
    const year = services.clock.now().toISOString().slice(0, 4);
    const { from = `${year}-01-01`, to = `${year}-12-31` } = parseInput(treeQuery, request.query);
    if (to < from) throw new AppError('VALIDATION', {}, { to: { reason: 'end_before_start' } });
    const rows = await scopedRows(db, salesPlan, actor)
      .selectAll('sales_plans')
      .where('sales_plans.period_start', '<=', to)
      .where('sales_plans.period_end', '>=', from)
      .orderBy('sales_plans.period_start')
      .orderBy('sales_plans.id')
      .limit(1000)
      .execute();
    const plans = rows.map(planValues);
    const byParent = new Map<number, PlanValues[]>();
    const ids = new Set(plans.map((plan) => plan.id));
    for (const plan of plans) if (plan.parentId !== null && ids.has(plan.parentId)) byParent.set(plan.parentId, [...(byParent.get(plan.parentId) ?? []), plan]);
    const names = await namesOf(plans);
    const present = async (plan: PlanValues): Promise<Record<string, unknown>> => ({
      ...plan,
      orgName: names.orgs.get(plan.orgId) ?? null,
      salespersonName: plan.salespersonId === null ? null : (names.people.get(plan.salespersonId) ?? null),
      ...(await planProgress(services, actor, plan)),
      ...childSums(plan, byParent.get(plan.id) ?? []),
      children: await Promise.all((byParent.get(plan.id) ?? []).map(present)),
    });
    const roots = plans.filter((plan) => plan.parentId === null || !ids.has(plan.parentId));
    return { from, to, items: await Promise.all(roots.map(present)) };
  });

  async function namesOf(plans: PlanValues[]) {
    const orgIds = [...new Set(plans.map((plan) => plan.orgId))];
    const personIds = [...new Set(plans.map((plan) => plan.salespersonId).filter((id): id is number => id !== null))];
    const orgs = orgIds.length ? await db.selectFrom('organisations').select(['id', 'name']).where('id', 'in', orgIds).execute() : [];
    const people = personIds.length ? await db.selectFrom('salespeople').select(['id', 'name']).where('id', 'in', personIds).execute() : [];
    return { orgs: new Map(orgs.map((row) => [Number(row.id), String(row.name)])), people: new Map(people.map((row) => [Number(row.id), String(row.name)])) };
  }

  app.get('/api/sales-plans/:id/progress', { schema: { tags: ['salesPlan'], summary: "A plan's live progress against its levels and the time elapsed" } }, async (request) => {
    const actor = requirePermission(request, 'salesPlan:view');
    const { id } = parseInput(idParams, request.params);
    const plan = planValues(await loadRow(db, salesPlan, actor, id));
    const children = (await scopedRows(db, salesPlan, actor).selectAll('sales_plans').where('sales_plans.parent_id', '=', id).execute()).map(planValues);
    return { id, ...(await planProgress(services, actor, plan)), ...childSums(plan, children) };
  });

  app.post('/api/sales-plans/:id/split', { schema: { tags: ['salesPlan'], summary: "Split a plan's targets down to child plans (organisations, salespeople or shorter periods)" } }, async (request, reply) => {
    requirePermission(request, 'salesPlan:create');
    const { id } = parseInput(idParams, request.params);
    const { children } = parseInput(splitBody, request.body);
    const created = await inTransaction(request, services, async (ctx) => {
      const parent = planValues(await loadRow(ctx.trx, salesPlan, ctx.actor, id));
      const parentOrg = await ctx.trx.selectFrom('organisations').select('path').where('id', '=', parent.orgId).executeTakeFirstOrThrow();
      const problems: Record<string, { reason: string; params?: Record<string, unknown> }> = {};
      const result: number[] = [];
      for (const [index, input] of children.entries()) {
        if (input.periodStart > input.periodEnd) problems[`children.${index}.periodEnd`] = { reason: 'end_before_start' };
        if (input.periodStart < parent.periodStart || input.periodEnd > parent.periodEnd) problems[`children.${index}.periodStart`] = { reason: 'outside_parent_period', params: { from: parent.periodStart, to: parent.periodEnd } };
        const org = await ctx.trx.selectFrom('organisations').select('path').where('id', '=', input.orgId).where('deleted_at', 'is', null).executeTakeFirst();
        if (!org || !String(org.path).startsWith(String(parentOrg.path))) problems[`children.${index}.orgId`] = { reason: 'outside_parent_org' };
        if (parent.salespersonId !== null && (input.salespersonId ?? null) !== parent.salespersonId) problems[`children.${index}.salespersonId`] = { reason: 'must_match_parent' };
        if (input.salespersonId != null) {
          const person = await ctx.trx.selectFrom('salespeople').select('org_id').where('id', '=', input.salespersonId).executeTakeFirst();
          if (person && Number(person.org_id) !== input.orgId) problems[`children.${index}.salespersonId`] = { reason: 'not_in_org' };
        }
      }
      if (Object.keys(problems).length) throw new AppError('VALIDATION', {}, problems);
      for (const input of children) result.push(await createRecord(ctx, salesPlan, { ...input, salespersonId: input.salespersonId ?? null, parentId: id }));
      return result;
    });
    reply.code(201);
    return { items: await Promise.all(created.map((childId) => getRecord(services, salesPlan, request.actor!, childId))) };
  });

  app.post('/api/sales-plans/:id/notes', { schema: { tags: ['salesPlan'], summary: "The plan's salesperson (or a plan editor) writes the salesperson's notes" } }, async (request) => {
    const actor = requirePermission(request, 'salesPlan:view');
    const { id } = parseInput(idParams, request.params);
    const { ownerNotes } = parseInput(notesBody, request.body);
    await inTransaction(request, services, async (ctx) => {
      const row = await loadRow(ctx.trx, salesPlan, ctx.actor, id, ctx.services.database.dialect === 'postgres');
      const own = actor.salespersonId !== null && Number(row.salesperson_id) === actor.salespersonId;
      if (!own && !actor.permissions.has('salesPlan:edit')) throw new AppError('FORBIDDEN', { permission: 'salesPlan:edit' });
      await ctx.trx.updateTable('sales_plans').set({ owner_notes: ownerNotes, version: Number(row.version) + 1, updated_at: ctx.now.toISOString(), updated_by: actor.accountId }).where('id', '=', id).execute();
      await audit(ctx, 'salesPlan', id, 'notes', { ownerNotes: { before: row.owner_notes ?? null, after: ownerNotes } });
    });
    return getRecord(services, salesPlan, actor, id);
  });
}
