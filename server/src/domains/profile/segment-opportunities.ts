import { openOpportunityStages } from '@insure/model/enums/sales';
import { getEntity } from '@insure/model/registry';
import { z } from 'zod';
import type { DB } from '../../db/database.ts';
import type { Services, WriteContext } from '../../entities/context.ts';
import { scopedRows } from '../../entities/read.ts';
import { audit, createRecord } from '../../entities/write.ts';
import type { Actor } from '../../platform/access/actor.ts';
import { fieldError } from '../../platform/errors.ts';

/** `POST /api/customer-segments/:id/opportunities`: product, open stage, owner rule; `dryRun` only counts. */
export const segmentOpportunitiesBody = z.strictObject({
  productId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  stage: z.enum(openOpportunityStages).default('lead'),
  /** Who owns each opportunity: the customer's owner (default), me, or one salesperson (`ownerId`). */
  owner: z.enum(['customerOwner', 'me', 'salesperson']).default('customerOwner'),
  ownerId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  expectedCloseDate: z.iso.date().optional(),
  dryRun: z.boolean().default(false),
});
export type SegmentOpportunitiesInput = z.output<typeof segmentOpportunitiesBody>;

export type SkipReason = 'open_opportunity' | 'no_owner';
export interface SegmentOpportunitiesResult {
  segmentId: number;
  productId: number;
  dryRun: boolean;
  members: number;
  created: number;
  skipped: number;
  skippedByReason: Record<SkipReason, number>;
  opportunityIds: number[];
}

interface Plan {
  product: { id: number; name: string; basePremium: number | null };
  fixedOwner: number | null;
}

/** Refuses a product not on sale and an owner the caller may not assign, before anything is written. */
export async function planFor(db: DB, actor: Actor, input: SegmentOpportunitiesInput): Promise<Plan> {
  const product = await db.selectFrom('products').select(['id', 'name', 'base_premium', 'status']).where('id', '=', input.productId).where('deleted_at', 'is', null).executeTakeFirst();
  if (!product || product.status !== 'onSale') throw fieldError('productId', 'reference_unavailable');
  let fixedOwner: number | null = null;
  if (input.owner === 'me') {
    if (!actor.salespersonId) throw fieldError('owner', 'invalid_option');
    fixedOwner = actor.salespersonId;
  } else if (input.owner === 'salesperson') {
    if (!input.ownerId) throw fieldError('ownerId', 'required');
    const found = await scopedRows(db, getEntity('salesperson'), actor).select('salespeople.id').where('salespeople.id', '=', input.ownerId).where('salespeople.deleted_at', 'is', null).executeTakeFirst();
    if (!found) throw fieldError('ownerId', 'reference_unavailable');
    fixedOwner = input.ownerId;
  }
  return { product: { id: Number(product.id), name: String(product.name), basePremium: product.base_premium == null ? null : Number(product.base_premium) / 100 }, fixedOwner };
}

interface Decision {
  customer: { id: number; name: string; ownerId: number | null; orgId: number };
  ownerId: number | null;
  skip: SkipReason | null;
}

/** Which members get an opportunity: not those with an open one for the product (whoever owns it), nor ownerless ones. */
async function decide(db: DB, lockRows: boolean, plan: Plan, ids: number[]): Promise<Decision[]> {
  let customers = db.selectFrom('customers').select(['id', 'name', 'owner_id', 'org_id']).where('id', 'in', ids).where('deleted_at', 'is', null).orderBy('id');
  // Two runs at once on PostgreSQL wait for each other here, so the second sees the first one's opportunities.
  if (lockRows) customers = customers.forUpdate();
  const [rows, open] = await Promise.all([
    customers.execute(),
    db
      .selectFrom('opportunities')
      .select('customer_id')
      .where('customer_id', 'in', ids)
      .where('product_id', '=', plan.product.id)
      .where('stage', 'in', [...openOpportunityStages])
      .where('deleted_at', 'is', null)
      .execute(),
  ]);
  const hasOpen = new Set(open.map((row) => Number(row.customer_id)));
  return rows.map((row) => {
    const customer = { id: Number(row.id), name: String(row.name ?? ''), ownerId: row.owner_id == null ? null : Number(row.owner_id), orgId: Number(row.org_id) };
    const ownerId = plan.fixedOwner ?? customer.ownerId;
    return { customer, ownerId, skip: hasOpen.has(customer.id) ? 'open_opportunity' : ownerId == null ? 'no_owner' : null };
  });
}

const batchSize = 200;

/**
 * Creates the opportunities in batches of 200 members, each batch one transaction with its own audit row. A batch
 * re-reads the open opportunities inside its transaction, so running again (after a failure, or twice) creates
 * only what is still missing.
 */
export async function createSegmentOpportunities(
  services: Services,
  actor: Actor,
  segmentId: number,
  memberIds: number[],
  input: SegmentOpportunitiesInput,
  transaction: <T>(work: (ctx: WriteContext) => Promise<T>) => Promise<T>,
): Promise<SegmentOpportunitiesResult> {
  const { db, dialect } = services.database;
  const plan = await planFor(db, actor, input);
  const result: SegmentOpportunitiesResult = { segmentId, productId: plan.product.id, dryRun: input.dryRun, members: memberIds.length, created: 0, skipped: 0, skippedByReason: { open_opportunity: 0, no_owner: 0 }, opportunityIds: [] };
  for (let start = 0; start < memberIds.length; start += batchSize) {
    const ids = memberIds.slice(start, start + batchSize);
    if (input.dryRun) {
      for (const decision of await decide(db, false, plan, ids)) count(result, decision.skip);
      continue;
    }
    await transaction(async (ctx) => {
      const created: number[] = [];
      const skipped: Record<SkipReason, number> = { open_opportunity: 0, no_owner: 0 };
      for (const decision of await decide(ctx.trx, dialect === 'postgres', plan, ids)) {
        if (decision.skip) {
          skipped[decision.skip] += 1;
          continue;
        }
        created.push(
          await createRecord(ctx, getEntity('opportunity'), {
            title: `${plan.product.name} · ${decision.customer.name}`.slice(0, 100),
            customerId: decision.customer.id,
            productId: plan.product.id,
            stage: input.stage,
            ownerId: decision.ownerId,
            orgId: decision.customer.orgId,
            expectedAmount: plan.product.basePremium ?? undefined,
            expectedCloseDate: input.expectedCloseDate,
          }),
        );
      }
      await audit(ctx, 'customerSegment', segmentId, 'create_opportunities', { productId: plan.product.id, stage: input.stage, owner: input.owner, ownerId: plan.fixedOwner, created: created.length, skipped });
      result.opportunityIds.push(...created);
      result.created += created.length;
      for (const [reason, n] of Object.entries(skipped) as [SkipReason, number][]) {
        result.skippedByReason[reason] += n;
        result.skipped += n;
      }
    });
  }
  return result;
}

function count(result: SegmentOpportunitiesResult, skip: SkipReason | null) {
  if (!skip) return void (result.created += 1);
  result.skipped += 1;
  result.skippedByReason[skip] += 1;
}
