import { registerHooks } from '../../entities/hooks.ts';
import { registerWorkflowHooks } from '../../entities/workflow.ts';
import { AppError } from '../../platform/errors.ts';
import { smsSegments } from './sms-rules.ts';

/**
 * Messages written through the generic API start queued and are billed by length; once the dispatcher has
 * taken one, only the dispatcher and receipts change it.
 */
export function registerSmsHooks(): void {
  registerHooks('smsMessage', {
    async beforeWrite(_ctx, _entity, input, existing) {
      if (existing && existing.status !== 'queued') throw new AppError('INVALID_TRANSITION', { status: existing.status, action: 'edit', allowed: [] });
      if (!existing) input.status = 'queued';
    },
    async afterWrite(ctx, _entity, id, input) {
      if (typeof input.content === 'string') await ctx.trx.updateTable('sms_messages').set({ segments: smsSegments(input.content) }).where('id', '=', id).execute();
    },
    // Only a queued message can be edited: the list and detail offer no edit button for the others.
    decorate(record) {
      if (record.status !== 'queued' && record.can && typeof record.can === 'object') record.can = { ...(record.can as Record<string, unknown>), edit: false };
    },
  });
  // A customer withdrawing consent to marketing or service contact is opted out in the same transaction.
  registerWorkflowHooks('consent', {
    async after(ctx, _entity, _id, transition, before) {
      if (transition.action !== 'withdraw' || !['marketing', 'service'].includes(String(before.purpose))) return;
      const optedOut = ctx.services.database.dialect === 'postgres' ? true : 1;
      await ctx.trx
        .insertInto('sms_opt_outs')
        .values({ customer_id: Number(before.customer_id), opted_out: optedOut as boolean, source: 'consentWithdrawn', note: `consent ${String(before.code)}`, actor_id: ctx.actor.accountId, at: ctx.now.toISOString() })
        .execute();
    },
  });
}
