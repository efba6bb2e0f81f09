import { getEntity } from '@insure/model/registry';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import { fieldInputSchema } from '@insure/model/derive/zod';
import type { Services } from '../../entities/context.ts';
import { getRecord, loadRow, presentRows, scopedRows } from '../../entities/read.ts';
import { columnsToField } from '../../entities/row-mapper.ts';
import { createRecord } from '../../entities/write.ts';
import { AppError } from '../../platform/errors.ts';
import { inTransaction, parseInput, requirePermission } from '../../platform/http.ts';
import { addDays, nextDueDate } from './insurance.rules.ts';
import { nextBusinessNumber } from './numbers.ts';

const idParams = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const renewalsQuery = z.strictObject({
  days: z.enum(['30', '60', '90']).default('30'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});

export function registerPolicyRoutes(app: FastifyInstance, services: Services): void {
  const policy = getEntity('policy');
  const money = fieldInputSchema(policy.fields.premium!) as z.ZodType<number>;
  const date = fieldInputSchema(policy.fields.startDate!) as z.ZodType<string>;
  const renewBody = z.strictObject({ startDate: date.optional(), endDate: date.optional(), premium: money.optional(), sumInsured: money.optional() });

  app.get('/api/policies/renewals', { schema: { tags: ['policy'], summary: 'In-force policies ending within 30/60/90 days, in scope' } }, async (request) => {
    const actor = requirePermission(request, 'policy:view');
    const { days, page, pageSize } = parseInput(renewalsQuery, request.query);
    const today = services.clock.now().toISOString().slice(0, 10);
    const base = scopedRows(services.database.db, policy, actor)
      .where('policies.status', '=', 'inForce')
      .where('policies.end_date', '>=', today)
      .where('policies.end_date', '<=', addDays(today, Number(days)))
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('policies as renewal').select('renewal.id').whereRef('renewal.renewed_from_id', '=', 'policies.id').where('renewal.deleted_at', 'is', null))));
    const [rows, count] = await Promise.all([
      base.selectAll('policies').orderBy('policies.end_date').orderBy('policies.id').limit(pageSize).offset((page - 1) * pageSize).execute(),
      base.select(sql<number>`count(*)`.as('total')).executeTakeFirstOrThrow(),
    ]);
    return { items: await presentRows(services, policy, actor, rows), total: Number(count.total), page, pageSize };
  });

  app.post('/api/policies/:id/renew', { schema: { tags: ['policy'], summary: 'Renew a policy: a new policy linked to the old one' } }, async (request, reply) => {
    requirePermission(request, 'policy:create');
    const { id } = parseInput(idParams, request.params);
    const input = parseInput(renewBody, request.body ?? {});
    const newId = await inTransaction(request, services, async (ctx) => {
      // Locked (PostgreSQL) so a racing renewal waits here and then finds this one's renewal: never two.
      const old = await loadRow(ctx.trx, policy, ctx.actor, id, ctx.services.database.dialect === 'postgres');
      if (!['inForce', 'expired'].includes(String(old.status))) throw new AppError('INVALID_TRANSITION', { status: old.status, action: 'renew', allowed: [] });
      const already = await ctx.trx.selectFrom('policies').select('id').where('renewed_from_id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
      if (already) throw new AppError('DUPLICATE', { existingId: Number(already.id) }, { id: { reason: 'already_renewed' } });
      const value = (name: string) => columnsToField(policy.fields[name]!, name, old);
      const oldStart = String(value('startDate'));
      const oldEnd = (value('endDate') as string | null) ?? oldStart;
      const startDate = input.startDate ?? addDays(oldEnd, 1);
      const lengthDays = Math.max(1, Math.round((Date.parse(oldEnd) - Date.parse(oldStart)) / 86_400_000));
      const frequency = value('paymentFrequency') as string | null;
      return createRecord(ctx, policy, {
        policyNo: await nextBusinessNumber(ctx, 'policyNo', 'P'),
        applicantId: value('applicantId'),
        insuredId: value('insuredId'),
        productId: value('productId'),
        insuranceType: value('insuranceType'),
        startDate,
        endDate: input.endDate ?? addDays(startDate, lengthDays),
        premium: input.premium ?? value('premium'),
        sumInsured: input.sumInsured ?? value('sumInsured'),
        paymentFrequency: frequency,
        nextDueDate: nextDueDate(startDate, frequency, startDate),
        coverage: value('coverage'),
        salespersonId: value('salespersonId'),
        orgId: value('orgId'),
        renewedFromId: id,
      });
    });
    reply.code(201);
    return getRecord(services, policy, request.actor!, newId);
  });

  app.get('/api/policies/:id/claim-summary', { schema: { tags: ['policy'], summary: 'Claim situation of a policy, computed from its claims' } }, async (request) => {
    const actor = requirePermission(request, 'policy:view');
    const { id } = parseInput(idParams, request.params);
    await loadRow(services.database.db, policy, actor, id);
    const rows = await services.database.db
      .selectFrom('claims')
      .select([
        'status',
        sql<number>`count(*)`.as('count'),
        sql<number>`coalesce(sum(requested_amount), 0)`.as('requested'),
        sql<number>`coalesce(sum(approved_amount), 0)`.as('approved'),
        sql<number>`coalesce(sum(paid_amount), 0)`.as('paid'),
      ])
      .where('policy_id', '=', id)
      .where('deleted_at', 'is', null)
      .groupBy('status')
      .execute();
    const byStatus: Record<string, { count: number; requested: number; approved: number; paid: number }> = {};
    const total = { count: 0, requested: 0, approved: 0, paid: 0 };
    for (const row of rows) {
      const figures = { count: Number(row.count), requested: Number(row.requested) / 100, approved: Number(row.approved) / 100, paid: Number(row.paid) / 100 };
      byStatus[String(row.status)] = figures;
      for (const key of ['count', 'requested', 'approved', 'paid'] as const) total[key] += figures[key];
    }
    return { ...total, byStatus };
  });
}
