import { getEntity } from '@insure/model/registry';
import type { WriteContext } from '../../entities/context.ts';
import { registerHooks } from '../../entities/hooks.ts';
import { columnsToField } from '../../entities/row-mapper.ts';
import { applyTransition, registerWorkflowHooks } from '../../entities/workflow.ts';
import { createRecord } from '../../entities/write.ts';
import { AppError } from '../../platform/errors.ts';
import { enqueue } from '../../platform/outbox.ts';
import { nextDueDate } from './insurance.rules.ts';
import { nextBusinessNumber } from './numbers.ts';
import { checkAgainstProduct } from './product-check.ts';
import { checkSellerQualification } from '../service/training.hooks.ts';

/**
 * Approving a signing issues, in the same transaction, its policy and contract (numbers generated, linked
 * both ways), moves the signing to "issued" and queues the "signing success" message.
 */
async function issuePolicy(ctx: WriteContext, signingId: number) {
  const signing = getEntity('signing');
  const row = await ctx.trx.selectFrom('signings').selectAll().where('id', '=', signingId).executeTakeFirstOrThrow();
  const value = (name: string) => columnsToField(signing.fields[name]!, name, row);
  const product = await ctx.trx.selectFrom('products').select(['name', 'coverage']).where('id', '=', Number(row.product_id)).executeTakeFirstOrThrow();
  const startDate = String(value('startDate'));
  const today = ctx.now.toISOString().slice(0, 10);
  const frequency = (value('paymentFrequency') as string | null) ?? 'annual';
  const policyId = await createRecord(ctx, getEntity('policy'), {
    policyNo: await nextBusinessNumber(ctx, 'policyNo', 'P'),
    applicantId: value('customerId'),
    insuredId: value('insuredId') ?? value('customerId'),
    productId: value('productId'),
    insuranceType: value('insuranceType'),
    startDate,
    endDate: value('endDate'),
    premium: value('amount'),
    sumInsured: value('sumInsured'),
    paymentFrequency: frequency,
    nextDueDate: nextDueDate(startDate, frequency, startDate),
    coverage: product.coverage ?? null,
    salespersonId: value('salespersonId'),
    orgId: value('orgId'),
    signingId,
  });
  await createRecord(ctx, getEntity('contract'), {
    contractNo: await nextBusinessNumber(ctx, 'contractNo', 'C'),
    name: `${String(product.name)} 保险合同`,
    signingDate: today,
    validFrom: startDate,
    validTo: value('endDate'),
    amount: value('amount'),
    policyId,
    customerId: value('customerId'),
    salespersonId: value('salespersonId'),
    orgId: value('orgId'),
    status: 'effective',
  });
  await ctx.trx.updateTable('signings').set({ policy_id: policyId }).where('id', '=', signingId).execute();
  if (startDate <= today) await applyTransition(ctx, getEntity('policy'), policyId, 'activate', { note: '出单即生效' }, { system: true });
  await applyTransition(ctx, signing, signingId, 'issue', {}, { system: true });
  await enqueue(ctx, 'signing.success', `signing-success:${signingId}`, { signingId, policyId, customerId: value('customerId') });
}

export function registerSigningHooks(): void {
  registerHooks('signing', {
    async beforeWrite(ctx, entity, input, existing) {
      // Once submitted, a signing is the underwriter's: it changes only through its workflow.
      if (existing && existing.status !== 'draft') throw new AppError('INVALID_TRANSITION', { status: existing.status, action: 'edit', allowed: [] });
      await checkAgainstProduct(ctx, entity, input, existing, { insured: ['insuredId', 'customerId'], start: 'startDate' });
      await checkSellerQualification(ctx, entity, input, existing);
    },
  });
  registerWorkflowHooks('signing', {
    async before(ctx, entity, row, transition) {
      if (transition.action !== 'submit' && transition.action !== 'approve') return;
      // The product may have gone off sale or the figures out of range since the draft was written.
      await checkAgainstProduct(ctx, entity, {}, row, { insured: ['insuredId', 'customerId'], start: 'startDate' });
      // A licence may have expired since the draft was written.
      await checkSellerQualification(ctx, entity, {}, row);
    },
    async after(ctx, _entity, id, transition) {
      if (transition.action === 'approve') await issuePolicy(ctx, id);
    },
  });
}
