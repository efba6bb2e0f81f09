import { getEntity } from '@insure/model/registry';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import { isValidIsoDate } from '@insure/model/validators';
import type { Services } from '../../entities/context.ts';
import { getRecord, loadRow } from '../../entities/read.ts';
import { columnsToField } from '../../entities/row-mapper.ts';
import { audit, createRecord } from '../../entities/write.ts';
import type { Actor } from '../../platform/access/actor.ts';
import { scopePredicate } from '../../platform/access/data-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { inTransaction, parseInput, requirePermission } from '../../platform/http.ts';
import { approvePeriod, checkPeriod, runPeriod } from './commission.ts';
import { addDays } from '../insurance/insurance.rules.ts';

const periodBody = z.strictObject({ period: z.string().max(7) });
const periodParams = z.strictObject({ period: z.string().max(7) });
const statementParams = z.strictObject({ period: z.string().max(7), salespersonId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const statementsQuery = z.strictObject({ period: z.string().max(7) });
const idParams = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const date = z.string().refine(isValidIsoDate, { error: 'invalid_date' });

/** Detail keys holding fen, shown in yuan like every other amount. */
const moneyDetail = new Set(['premium', 'fixed', 'levelValue', 'needed', 'achieved', 'excess', 'perCustomer']);

/** A run covers the whole company: only a company-wide actor may start or approve one. */
function requireCompanyWide(request: FastifyRequest, permission: string): Actor {
  const actor = requirePermission(request, permission);
  if (actor.dataScope !== 'all') throw new AppError('FORBIDDEN', { permission, reason: 'company_wide_scope' });
  return actor;
}

export function registerIncentiveRoutes(app: FastifyInstance, services: Services): void {
  const { db } = services.database;
  const salesperson = getEntity('salesperson');
  const incentivePolicy = getEntity('incentivePolicy');

  app.get('/api/incentives/runs', { schema: { tags: ['incentiveRun'], summary: 'Commission periods: open or frozen, with their totals' } }, async (request) => {
    requirePermission(request, 'incentiveRun:view');
    const runs = await db.selectFrom('incentive_runs').selectAll().orderBy('period', 'desc').limit(120).execute();
    return { items: runs.map((run) => ({ period: run.period, status: run.status, runCount: Number(run.run_count), lastRunAt: run.last_run_at ?? null, lastRunBy: run.last_run_by ?? null, approvedAt: run.approved_at ?? null, approvedBy: run.approved_by ?? null })) };
  });

  app.post('/api/incentives/runs', { schema: { tags: ['incentiveRun'], summary: 'Run (or re-run) a commission month: every statement line recomputed, idempotently' } }, async (request) => {
    requireCompanyWide(request, 'incentiveRun:create');
    const { period } = parseInput(periodBody, request.body);
    return inTransaction(request, services, (ctx) => runPeriod(ctx, period));
  });

  app.post('/api/incentives/runs/:period/approve', { schema: { tags: ['incentiveRun'], summary: 'Approve a run month: its statements freeze and payouts are recorded' } }, async (request) => {
    requireCompanyWide(request, 'incentiveRun:approve');
    const { period } = parseInput(periodParams, request.params);
    return inTransaction(request, services, (ctx) => approvePeriod(ctx, period));
  });

  app.get('/api/incentives/statements', { schema: { tags: ['incentiveRun'], summary: "A month's statement totals per salesperson, in the actor's data scope" } }, async (request) => {
    const actor = requirePermission(request, 'incentiveRun:view');
    const { period } = parseInput(statementsQuery, request.query);
    checkPeriod(period);
    const run = await db.selectFrom('incentive_runs').select(['status']).where('period', '=', period).executeTakeFirst();
    const rows = await db
      .selectFrom('incentive_lines as l')
      .innerJoin('salespeople', 'salespeople.id', 'l.salesperson_id')
      .select([
        'l.salesperson_id',
        'salespeople.name',
        'salespeople.org_id',
        sql<number>`sum(l.amount)`.as('total'),
        sql<number>`count(*)`.as('lines'),
        ...(['commission', 'planBonus', 'newCustomerBonus', 'managerOverride', 'chargeback'] as const).map((kind) => sql<number>`sum(case when l.kind = ${kind} then l.amount else 0 end)`.as(kind)),
      ])
      .where('l.period', '=', period)
      .where(scopePredicate(salesperson, actor))
      .groupBy(['l.salesperson_id', 'salespeople.name', 'salespeople.org_id'])
      .orderBy(sql`sum(l.amount)`, 'desc')
      .orderBy('l.salesperson_id')
      .limit(2000)
      .execute();
    return {
      period,
      status: run?.status ?? null,
      items: rows.map((row) => ({
        salespersonId: Number(row.salesperson_id),
        salespersonName: row.name,
        orgId: Number(row.org_id),
        total: Number(row.total) / 100,
        lines: Number(row.lines),
        byKind: Object.fromEntries(['commission', 'planBonus', 'newCustomerBonus', 'managerOverride', 'chargeback'].map((kind) => [kind, Number((row as Record<string, unknown>)[kind]) / 100])),
      })),
    };
  });

  app.get('/api/incentives/statements/:period/:salespersonId', { schema: { tags: ['incentiveRun'], summary: "One salesperson's statement: a line per policy and rule explaining each amount" } }, async (request) => {
    const actor = requirePermission(request, 'incentiveRun:view');
    const { period, salespersonId } = parseInput(statementParams, request.params);
    checkPeriod(period);
    const person = await loadRow(db, salesperson, actor, salespersonId);
    const run = await db.selectFrom('incentive_runs').selectAll().where('period', '=', period).executeTakeFirst();
    const lines = await db
      .selectFrom('incentive_lines as l')
      .leftJoin('incentive_policies as r', 'r.id', 'l.rule_id')
      .select(['l.id', 'l.kind', 'l.policy_id', 'l.rule_id', 'l.rule_version', 'l.base_amount', 'l.rate_percent', 'l.amount', 'l.source_period', 'l.detail', 'r.name as rule_name'])
      .where('l.period', '=', period)
      .where('l.salesperson_id', '=', salespersonId)
      .orderBy('l.id')
      .execute();
    const items = lines.map((line) => {
      const detail = JSON.parse(String(line.detail)) as Record<string, unknown>;
      for (const key of Object.keys(detail)) if (moneyDetail.has(key) && typeof detail[key] === 'number') detail[key] = (detail[key] as number) / 100;
      const kind = String(line.kind);
      return {
        id: Number(line.id),
        kind,
        policyId: line.policy_id == null ? null : Number(line.policy_id),
        ruleId: line.rule_id == null ? null : Number(line.rule_id),
        ruleName: line.rule_name ?? null,
        ruleVersion: line.rule_version == null ? null : Number(line.rule_version),
        // A count of customers for the new-customer bonus, else money.
        base: kind === 'newCustomerBonus' ? Number(line.base_amount) : Number(line.base_amount) / 100,
        ratePercent: line.rate_percent == null ? null : Number(line.rate_percent),
        amount: Number(line.amount) / 100,
        sourcePeriod: line.source_period ?? null,
        detail,
      };
    });
    const total = lines.reduce((sum, line) => sum + Number(line.amount), 0) / 100;
    return {
      period,
      status: run?.status ?? null,
      approvedAt: run?.approved_at ?? null,
      salesperson: { id: salespersonId, name: columnsToField(salesperson.fields.name!, 'name', person), orgId: Number(person.org_id) },
      total,
      items,
    };
  });

  const reviseBody = z.strictObject({
    effectiveFrom: date,
    changes: z.record(z.string(), z.unknown()).default({}),
  });
  app.post('/api/incentive-policies/:id/revise', { schema: { tags: ['incentivePolicy'], summary: 'A new version of a rule from a date: the old version ends the day before' } }, async (request, reply) => {
    requirePermission(request, 'incentivePolicy:create');
    requirePermission(request, 'incentivePolicy:edit');
    const { id } = parseInput(idParams, request.params);
    const { effectiveFrom, changes } = parseInput(reviseBody, request.body);
    for (const key of Object.keys(changes)) {
      const field = incentivePolicy.fields[key];
      if (!field || field.readOnly || ['effectiveFrom', 'effectiveTo', 'orgId', 'ruleType'].includes(key)) throw new AppError('VALIDATION', {}, { [`changes.${key}`]: { reason: 'not_revisable' } });
    }
    const newId = await inTransaction(request, services, async (ctx) => {
      const row = await loadRow(ctx.trx, incentivePolicy, ctx.actor, id, ctx.services.database.dialect === 'postgres');
      const value = (name: string) => columnsToField(incentivePolicy.fields[name]!, name, row);
      const from = String(value('effectiveFrom'));
      const to = value('effectiveTo') as string | null;
      if (effectiveFrom <= from || (to !== null && effectiveFrom > to)) throw new AppError('VALIDATION', {}, { effectiveFrom: { reason: 'outside_rule_period', params: { from, to } } });
      const copy: Record<string, unknown> = {};
      for (const [name, field] of Object.entries(incentivePolicy.fields)) if (!field.readOnly) copy[name] = value(name);
      const created = await createRecord(ctx, incentivePolicy, { ...copy, ...changes, effectiveFrom, effectiveTo: to });
      await ctx.trx.updateTable('incentive_policies').set({ rule_version: Number(row.rule_version ?? 1) + 1, previous_version_id: id }).where('id', '=', created).execute();
      await ctx.trx
        .updateTable('incentive_policies')
        .set({ effective_to: addDays(effectiveFrom, -1), version: Number(row.version) + 1, updated_at: ctx.now.toISOString(), updated_by: ctx.actor.accountId })
        .where('id', '=', id)
        .execute();
      await audit(ctx, 'incentivePolicy', id, 'revise', { effectiveTo: { before: to, after: addDays(effectiveFrom, -1) }, nextVersionId: { after: created } });
      return created;
    });
    reply.code(201);
    return getRecord(services, incentivePolicy, request.actor!, newId);
  });
}
