import { getEntity } from '@insure/model/registry';
import type { Row } from '../../db/database.ts';
import { registerHooks } from '../../entities/hooks.ts';
import { AppError, fieldError } from '../../platform/errors.ts';

/**
 * PIPL art. 29: sensitive personal information is processed only with the person's separate consent.
 * A consent follows its customer's organisation and owner (so it is visible exactly where the customer is),
 * and revealing a customer field that declares a `consentCategory` needs an active consent of that category
 * that has started and not expired.
 */
export function registerConsentHooks(): void {
  registerHooks('consent', {
    async beforeWrite(_ctx, _entity, input, existing) {
      const granted = (input.grantedAt ?? existing?.granted_at) as string | undefined;
      const expires = (input.expiresAt ?? existing?.expires_at) as string | null | undefined;
      if (granted && expires && String(expires).slice(0, 10) < String(granted).slice(0, 10)) throw fieldError('expiresAt', 'ends_before_start');
    },
    // Server-kept columns are written here, before the engine checks the row is still in the writer's scope.
    async afterWrite(ctx, _entity, id, input, existing) {
      const customerId = (input.customerId ?? existing?.customer_id) as number | undefined;
      const customer = customerId == null ? undefined : await ctx.trx.selectFrom('customers').select(['org_id', 'owner_id']).where('id', '=', Number(customerId)).executeTakeFirst();
      if (!customer) return;
      await ctx.trx.updateTable('consents').set({ org_id: customer.org_id, owner_id: customer.owner_id }).where('id', '=', id).execute();
    },
  });

  const customer = getEntity('customer');
  registerHooks('customer', {
    async beforeReveal(ctx, _entity, row: Row, fields: string[]) {
      const needed = [...new Set(fields.map((name) => customer.fields[name]?.consentCategory).filter((category): category is NonNullable<typeof category> => !!category))];
      if (!needed.length) return;
      const today = ctx.now.toISOString().slice(0, 10);
      const held = await ctx.trx
        .selectFrom('consents')
        .select('category')
        .where('customer_id', '=', Number(row.id))
        .where('category', 'in', needed)
        .where('status', '=', 'active')
        .where('deleted_at', 'is', null)
        .where('granted_at', '<=', today)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>=', today)]))
        .execute();
      const covered = new Set(held.map((consent) => String(consent.category)));
      const missing = needed.filter((category) => !covered.has(category));
      if (missing.length) throw new AppError('CONSENT_REQUIRED', { categories: missing });
    },
  });
}
