import { defaultStageProbabilities, openOpportunityStages, opportunityStages } from '@insure/model/enums/sales';
import { getEntity } from '@insure/model/registry';
import type { DB, Row } from '../../db/database.ts';
import type { WriteContext } from '../../entities/context.ts';
import { registerHooks } from '../../entities/hooks.ts';
import { loadRow } from '../../entities/read.ts';
import { columnsToField } from '../../entities/row-mapper.ts';
import { recordEvent } from '../../entities/workflow.ts';
import { audit } from '../../entities/write.ts';
import { AppError, type FieldReasons } from '../../platform/errors.ts';
import { enqueue } from '../../platform/outbox.ts';
import { addDays } from '../insurance/insurance.rules.ts';

export interface StageSetting {
  stage: string;
  probability: number;
  active: boolean;
  /** Won or lost: the opportunity is closed. */
  closed: boolean;
}

/** Every stage in pipeline order with its probability and whether it is offered (admin rows over the defaults). */
export async function stageSettings(db: DB): Promise<StageSetting[]> {
  const rows = await db.selectFrom('pipeline_stages').select(['stage', 'probability', 'active']).where('deleted_at', 'is', null).execute();
  const byStage = new Map(rows.map((row) => [String(row.stage), row]));
  return opportunityStages.map(({ value }) => {
    const row = byStage.get(value);
    const closed = value === 'won' || value === 'lost';
    return {
      stage: value,
      probability: row ? Number(row.probability) : defaultStageProbabilities[value]!,
      // won and lost always exist: an opportunity must be able to end
      active: closed || !row || row.active === true || row.active === 1,
      closed,
    };
  });
}

export const stageOrder = (stage: string) => openOpportunityStages.indexOf(stage as (typeof openOpportunityStages)[number]);

export interface MoveInput {
  stage: string;
  version?: number;
  note?: string;
  lostReason?: string;
  outcomeReason?: string | null;
  competitorId?: number | null;
}

/** What the signing form starts with when an opportunity is won (the salesperson completes and submits it). */
export interface SigningPrefill {
  customerId: number;
  productId: number | null;
  insuranceType: string | null;
  amount: number | null;
  salespersonId: number | null;
  orgId: number;
  signingDate: string;
  startDate: string;
  remarks: string;
}

/**
 * Moves an opportunity to another stage: the only way its stage changes after creation. Lost needs a
 * reason (and may name the competitor); won needs a customer and answers with a signing prefill. Closed
 * opportunities stay closed, except that a lost one may be reopened at an open stage.
 */
export async function moveOpportunity(ctx: WriteContext, id: number, input: MoveInput): Promise<{ signingPrefill: SigningPrefill | null }> {
  const entity = getEntity('opportunity');
  const row = await loadRow(ctx.trx, entity, ctx.actor, id, ctx.services.database.dialect === 'postgres');
  if (input.version !== undefined && input.version !== Number(row.version)) throw new AppError('VERSION_CONFLICT', { currentVersion: Number(row.version) });
  const from = String(row.stage);
  const settings = await stageSettings(ctx.trx);
  const target = settings.find((setting) => setting.stage === input.stage);
  if (!target) throw new AppError('VALIDATION', {}, { stage: { reason: 'invalid_value' } });
  if (!target.active) throw new AppError('VALIDATION', {}, { stage: { reason: 'stage_not_in_use' } });
  if (from === input.stage || from === 'won' || (from === 'lost' && target.closed)) {
    throw new AppError('INVALID_TRANSITION', { status: from, action: `move:${input.stage}`, allowed: [] });
  }
  const problems: FieldReasons = {};
  const lostReason = input.lostReason?.trim() ?? '';
  if (input.stage === 'lost' && !lostReason) problems.lostReason = { reason: 'required' };
  if (input.stage === 'won' && row.customer_id == null) problems.customerId = { reason: 'won_needs_customer' };
  if (input.competitorId != null) {
    const found = await ctx.trx.selectFrom('competitors').select('id').where('id', '=', input.competitorId).where('deleted_at', 'is', null).executeTakeFirst();
    if (!found) problems.competitorId = { reason: 'reference_unavailable' };
  }
  if (Object.keys(problems).length) throw new AppError('VALIDATION', {}, problems);

  const today = ctx.now.toISOString().slice(0, 10);
  const closing = input.stage === 'won' || input.stage === 'lost';
  const changes: Row = {
    stage: input.stage,
    probability: target.probability,
    lost_from_stage: input.stage === 'lost' ? from : null,
    lost_reason: input.stage === 'lost' ? lostReason : null,
    closed_at: closing ? today : null,
  };
  if (input.outcomeReason !== undefined) changes.outcome_reason = input.outcomeReason;
  if (input.competitorId !== undefined) changes.competitor_id = input.competitorId;
  const updated = await ctx.trx
    .updateTable('opportunities')
    .set({ ...changes, version: Number(row.version) + 1, updated_at: ctx.now.toISOString(), updated_by: ctx.actor.accountId })
    .where('id', '=', id)
    .where('version', '=', Number(row.version))
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw new AppError('VERSION_CONFLICT', { currentVersion: Number(row.version) + 1 });
  const data = { probability: target.probability, ...(input.stage === 'lost' ? { lostReason, competitorId: input.competitorId ?? null, outcomeReason: input.outcomeReason ?? null } : {}) };
  await recordEvent(ctx, entity, id, 'move', from, input.stage, input.note ?? null, data);
  await audit(ctx, 'opportunity', id, 'stage_move', { stage: { before: from, after: input.stage }, probability: { before: row.probability, after: target.probability }, ...(input.note ? { note: input.note } : {}) });
  if (input.stage !== 'won') return { signingPrefill: null };

  await enqueue(ctx, 'opportunity.won', `opportunity-won:${id}`, { opportunityId: id, customerId: Number(row.customer_id), ownerId: row.owner_id == null ? null : Number(row.owner_id) });
  const product = row.product_id == null ? null : await ctx.trx.selectFrom('products').select(['insurance_type']).where('id', '=', Number(row.product_id)).executeTakeFirst();
  const amount = columnsToField(entity.fields.expectedAmount!, 'expectedAmount', row) as number | null;
  return {
    signingPrefill: {
      customerId: Number(row.customer_id),
      productId: row.product_id == null ? null : Number(row.product_id),
      insuranceType: product?.insurance_type == null ? null : String(product.insurance_type),
      amount,
      salespersonId: row.owner_id == null ? null : Number(row.owner_id),
      orgId: Number(row.org_id),
      signingDate: today,
      startDate: addDays(today, 1),
      remarks: `${String(row.code)} ${String(row.title)}`,
    },
  };
}

export function registerOpportunityHooks(): void {
  registerHooks('opportunity', {
    async beforeWrite(ctx, _entity, input, existing) {
      const stage = (input.stage as string | undefined) ?? (existing ? String(existing.stage) : 'lead');
      // Demo and migrated data (the system actor) may start at any stage.
      const system = ctx.actor.accountId === 0;
      if (existing ? input.stage !== undefined && input.stage !== existing.stage : !system && (stage === 'won' || stage === 'lost')) {
        throw new AppError('VALIDATION', {}, { stage: { reason: 'stage_moves_on_board' } });
      }
      // Probability follows the stage unless the salesperson gave their own.
      if (input.probability === null || (!existing && input.probability === undefined)) {
        const setting = (await stageSettings(ctx.trx)).find((candidate) => candidate.stage === stage);
        input.probability = setting?.probability ?? null;
      }
    },
  });
}
