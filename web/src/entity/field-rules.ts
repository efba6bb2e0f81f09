import { fieldInputSchema } from '@insure/model/derive/zod';
import type { Field } from '@insure/model/field';
import type { FormRule } from 'antd';
import type { TFunction } from 'i18next';
import type { z } from 'zod';
import { i18n } from '../app/i18n.ts';
import { fromFormValue } from './form-values.ts';

/** A user-facing message for one zod issue of a field's input schema. */
export function issueMessage(issue: z.core.$ZodIssue, t: TFunction): string {
  const custom = `validation.${issue.message}`;
  if (i18n.exists(custom)) return t(custom);
  switch (issue.code) {
    case 'too_small': {
      const minimum = Number(issue.minimum);
      if (issue.origin === 'string') return minimum <= 1 ? t('validation.required') : t('validation.minLength', { minimum });
      if (issue.origin === 'array') return t('validation.minItems', { minimum });
      return t('validation.minValue', { minimum });
    }
    case 'too_big': {
      const maximum = Number(issue.maximum);
      if (issue.origin === 'string') return t('validation.maxLength', { maximum });
      if (issue.origin === 'array') return t('validation.maxItems', { maximum });
      return t('validation.maxValue', { maximum });
    }
    case 'invalid_format':
      return issue.format === 'email' ? t('validation.invalid_email') : t('validation.invalid_format');
    case 'invalid_value':
      return t('validation.invalid_option');
    case 'invalid_type':
      return issue.expected === 'int' ? t('validation.integer') : t('validation.invalid_type');
    default:
      return issue.message;
  }
}

interface RuleOptions {
  /** The field may be left empty even if required (masked personal data on edit: blank keeps it). */
  isBlankAllowed?: boolean;
}

/**
 * The antd rule for a field, built from the same zod schema the server validates with
 * (`fieldInputSchema`), so both sides agree on every limit and format.
 */
export function fieldRule(field: Field, t: TFunction, options: RuleOptions = {}): FormRule {
  const schema = fieldInputSchema(field);
  return {
    required: field.required && !options.isBlankAllowed,
    validator: async (_rule, raw: unknown) => {
      const value = fromFormValue(field, raw);
      const isEmptyList = Array.isArray(value) && value.length === 0;
      if (value === null || (isEmptyList && field.required)) {
        if (field.required && !options.isBlankAllowed) throw new Error(t('validation.required'));
        return;
      }
      const result = schema.safeParse(value);
      if (!result.success) {
        const issue = result.error.issues[0];
        throw new Error(issue ? issueMessage(issue, t) : t('validation.invalid_format'));
      }
    },
  };
}
