import { registerHooks } from '../../entities/hooks.ts';
import { AppError } from '../../platform/errors.ts';
import { checkAgainstProduct, valueAfter } from './product-check.ts';

export function registerPolicyHooks(): void {
  registerHooks('policy', {
    async beforeWrite(ctx, entity, input, existing) {
      const start = valueAfter(entity, input, existing, 'startDate') as string | null;
      const end = valueAfter(entity, input, existing, 'endDate') as string | null;
      if (start && end && end < start) throw new AppError('VALIDATION', {}, { endDate: { reason: 'end_before_start' } });
      const termsChanged = !existing || ['productId', 'insuredId', 'applicantId', 'startDate', 'sumInsured'].some((name) => input[name] !== undefined);
      if (termsChanged) await checkAgainstProduct(ctx, entity, input, existing, { insured: ['insuredId', 'applicantId'], start: 'startDate' });
    },
  });
}
