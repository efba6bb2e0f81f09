import { registerHooks } from '../../entities/hooks.ts';
import { AppError } from '../../platform/errors.ts';
import { checkAgainstProduct, valueAfter } from './product-check.ts';

/** A shared sale names the other salesperson and their share of the commission, both or neither. */
function checkSplit(coSalespersonId: number | null, coSharePercent: number | null) {
  if (coSalespersonId !== null && !coSharePercent) throw new AppError('VALIDATION', {}, { coSharePercent: { reason: 'co_share_required' } });
  if (coSalespersonId === null && coSharePercent) throw new AppError('VALIDATION', {}, { coSalespersonId: { reason: 'co_salesperson_required' } });
}

export function registerPolicyHooks(): void {
  registerHooks('policy', {
    async beforeWrite(ctx, entity, input, existing) {
      const start = valueAfter(entity, input, existing, 'startDate') as string | null;
      const end = valueAfter(entity, input, existing, 'endDate') as string | null;
      if (start && end && end < start) throw new AppError('VALIDATION', {}, { endDate: { reason: 'end_before_start' } });
      checkSplit(valueAfter(entity, input, existing, 'coSalespersonId') as number | null, valueAfter(entity, input, existing, 'coSharePercent') as number | null);
      const termsChanged = !existing || ['productId', 'insuredId', 'applicantId', 'startDate', 'sumInsured'].some((name) => input[name] !== undefined);
      if (termsChanged) await checkAgainstProduct(ctx, entity, input, existing, { insured: ['insuredId', 'applicantId'], start: 'startDate' });
    },
  });
}
