import { customFieldKeyPattern } from '@insure/model/entities/custom-field-definition';
import { registerHooks } from '../../entities/hooks.ts';
import { AppError } from '../../platform/errors.ts';

/** A definition's key becomes a JSON property and a filter name: letters and digits only; selects need options. */
export function registerCustomFieldHooks(): void {
  registerHooks('customFieldDefinition', {
    async beforeWrite(_ctx, _entity, input, existing) {
      const key = (input.key ?? existing?.key) as string | undefined;
      if (key !== undefined && !customFieldKeyPattern.test(key)) throw new AppError('VALIDATION', {}, { key: { reason: 'invalid_format' } });
      const kind = (input.kind ?? existing?.kind) as string | undefined;
      const options = (input.options !== undefined ? input.options : existing?.options) as string | null | undefined;
      if (kind === 'select' && !String(options ?? '').trim()) throw new AppError('VALIDATION', {}, { options: { reason: 'required' } });
    },
  });
}
