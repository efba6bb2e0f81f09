import { getEntity } from '@insure/model/registry';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import { joinTableName } from '../../db/entity-tables.ts';
import { segmentCustomerIds } from '../profile/profile.routes.ts';
import type { Services } from '../../entities/context.ts';
import { registerHooks } from '../../entities/hooks.ts';
import { loadRow, scopedRows } from '../../entities/read.ts';
import { createRecord } from '../../entities/write.ts';
import { AppError } from '../../platform/errors.ts';
import { inTransaction, parseInput, requirePermission } from '../../platform/http.ts';
import { campaignRoi } from './service.rules.ts';

const idParams = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const yuan = (cents: unknown) => Number(cents ?? 0) / 100;

/** The attribution window of a campaign: from its start to `attributionDays` days later (default 30). */
export function attributionWindow(startAt: string, days: number | null) {
  const from = new Date(startAt);
  const to = new Date(from.getTime() + (days ?? 30) * 86_400_000);
  return { from: from.toISOString(), to: to.toISOString() };
}

export function registerCampaignHooks(): void {
  registerHooks('campaignParticipant', {
    async beforeWrite(ctx, _entity, input, existing) {
      const campaignId = input.campaignId ?? existing?.campaign_id;
      const customerId = input.customerId ?? existing?.customer_id;
      const clash = await ctx.trx
        .selectFrom('campaign_participants')
        .select('id')
        .where('campaign_id', '=', Number(campaignId))
        .where('customer_id', '=', Number(customerId))
        .where('deleted_at', 'is', null)
        .where('id', '!=', existing ? Number(existing.id) : -1)
        .executeTakeFirst();
      if (clash) throw new AppError('DUPLICATE', { existingId: Number(clash.id) }, { customerId: { reason: 'already_participant' } });
      if (!existing && input.orgId == null) {
        const campaign = await ctx.trx.selectFrom('campaigns').select('org_id').where('id', '=', Number(campaignId)).executeTakeFirst();
        if (campaign) input.orgId = Number(campaign.org_id);
      }
    },
  });
}

const audienceBody = z.strictObject({ segmentId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional() });

export function registerCampaignRoutes(app: FastifyInstance, services: Services): void {
  const campaign = getEntity('campaign');
  const participant = getEntity('campaignParticipant');
  const { db } = services.database;

  app.post('/api/campaigns/:id/participants/from-audience', { schema: { tags: ['campaign'], summary: "Invite the campaign's target customer group (customers in the caller's scope, not yet invited)" } }, async (request, reply) => {
    const actor = requirePermission(request, 'campaignParticipant:create');
    const { id } = parseInput(idParams, request.params);
    // The target is the campaign's customer group, or a saved segment named in the body.
    const { segmentId } = parseInput(audienceBody, request.body ?? {});
    if (segmentId && !actor.permissions.has('customerSegment:view')) throw new AppError('FORBIDDEN', { permission: 'customerSegment:view' });
    const members = segmentId ? await segmentCustomerIds(services, actor, segmentId, 5001) : null;
    const added = await inTransaction(request, services, async (ctx) => {
      const row = await loadRow(ctx.trx, campaign, ctx.actor, id);
      if (row.audience_group_id == null && !members) throw new AppError('VALIDATION', {}, { audienceGroupId: { reason: 'required' } });
      const customer = getEntity('customer');
      const join = joinTableName(customer, 'groupIds');
      const customers = await scopedRows(ctx.trx, customer, ctx.actor)
        .select('customers.id')
        .where('customers.id', 'in', members ? (members.length ? members : [0]) : ctx.trx.selectFrom(join).select(`${join}.owner_id`).where(`${join}.target_id`, '=', Number(row.audience_group_id)))
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('campaign_participants').select('campaign_participants.id').where('campaign_participants.campaign_id', '=', id).whereRef('campaign_participants.customer_id', '=', 'customers.id').where('campaign_participants.deleted_at', 'is', null))))
        .orderBy('customers.id')
        .limit(5001)
        .execute();
      if (customers.length > 5000) throw new AppError('VALIDATION', {}, { audienceGroupId: { reason: 'too_many_rows' } });
      for (const customerRow of customers) await createRecord(ctx, participant, { campaignId: id, customerId: Number(customerRow.id), attended: false, orgId: Number(row.org_id) });
      return customers.length;
    });
    reply.code(201);
    return { added };
  });

  app.get('/api/campaigns/:id/results', { schema: { tags: ['campaign'], summary: 'Participants, attendance and what participants brought within the attribution window; ROI' } }, async (request) => {
    const actor = requirePermission(request, 'campaign:view');
    const { id } = parseInput(idParams, request.params);
    const row = await loadRow(db, campaign, actor, id);
    const window = attributionWindow(new Date(String(row.start_at)).toISOString(), row.attribution_days == null ? null : Number(row.attribution_days));
    const participants = scopedRows(db, participant, actor).where('campaign_participants.campaign_id', '=', id);
    const counts = await participants
      .select([sql<number>`count(*)`.as('invited'), sql<number>`coalesce(sum(case when campaign_participants.attended then 1 else 0 end), 0)`.as('attended')])
      .executeTakeFirstOrThrow();
    const participantIds = participants.select('campaign_participants.customer_id');
    // Only records the caller may see count, like every other figure.
    const opportunities = await scopedRows(db, getEntity('opportunity'), actor)
      .where('opportunities.customer_id', 'in', participantIds)
      .where('opportunities.created_at', '>=', window.from)
      .where('opportunities.created_at', '<=', window.to)
      .select([sql<number>`count(*)`.as('leads'), sql<number>`coalesce(sum(case when opportunities.stage <> 'lead' then 1 else 0 end), 0)`.as('qualified')])
      .executeTakeFirstOrThrow();
    const signings = await scopedRows(db, getEntity('signing'), actor)
      .where('signings.customer_id', 'in', participantIds)
      .where('signings.signing_date', '>=', window.from.slice(0, 10))
      .where('signings.signing_date', '<=', window.to.slice(0, 10))
      .where('signings.status', 'not in', ['draft', 'declined'])
      .select([sql<number>`count(*)`.as('count'), sql<number>`coalesce(sum(case when signings.status = 'issued' then signings.amount else 0 end), 0)`.as('premium')])
      .executeTakeFirstOrThrow();
    const cost = yuan(row.cost);
    const premium = yuan(signings.premium);
    return {
      window,
      invited: Number(counts.invited),
      attended: Number(counts.attended),
      attendanceRate: Number(counts.invited) ? Math.round((Number(counts.attended) / Number(counts.invited)) * 10_000) / 10_000 : null,
      leads: Number(opportunities.leads),
      opportunities: Number(opportunities.qualified),
      signings: Number(signings.count),
      premium,
      budget: row.budget == null ? null : yuan(row.budget),
      cost,
      roi: campaignRoi(premium, cost),
    };
  });
}
