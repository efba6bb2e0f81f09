import { fieldInputSchema } from '@insure/model/derive/zod';
import type { Entity } from '@insure/model/entity';
import { useQuery } from '@tanstack/react-query';
import { Form, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { z } from 'zod';
import { api } from '../app/api-client.ts';
import { useDebouncedValue } from '../app/use-debounced-value.ts';
import { detailPath } from './entity-lookup.ts';

const resultSchema = z.looseObject({
  matches: z.array(z.looseObject({ field: z.string(), id: z.number(), code: z.string().nullable().optional(), label: z.string().nullable().optional() })),
  outOfScope: z.number().default(0),
});

interface DuplicateWarningProps {
  entity: Entity;
  name: string;
  /** The record being edited, which is not its own duplicate. */
  excludeId?: number;
}

/**
 * Reports other records with the same value of a duplicate-checked field (entity.duplicateCheck,
 * e.g. ID number and phone) while the user types; saving is still allowed.
 */
export function DuplicateWarning({ entity, name, excludeId }: DuplicateWarningProps) {
  const { t } = useTranslation();
  const form = Form.useFormInstance();
  const raw: unknown = Form.useWatch(name, form);
  const value = useDebouncedValue(typeof raw === 'string' ? raw.trim() : '', 500);
  const field = entity.fields[name];
  const isCheckable = !!field && value !== '' && value.length <= 30 && fieldInputSchema(field).safeParse(value).success;
  const result = useQuery({
    queryKey: ['duplicates', entity.plural, name, value, excludeId ?? 0],
    queryFn: () => api.post(resultSchema, `/api/${entity.plural}/check-duplicates`, { [name]: value, ...(excludeId ? { excludeId } : {}) }),
    enabled: isCheckable,
    staleTime: 0,
    retry: false,
  });
  if (!isCheckable || !result.data) return null;
  const matches = result.data.matches.filter((match) => match.field === name);
  if (matches.length === 0 && result.data.outOfScope === 0) return null;
  return (
    <Typography.Text type="warning" data-testid={`duplicate-${name}`}>
      {t('form.duplicateFound')}{' '}
      {matches.map((match, index) => (
        <span key={match.id}>
          {index > 0 && t('common.separator')}
          <Link to={detailPath(entity, match.id)} target="_blank">
            {[match.code, match.label].filter(Boolean).join(' ')}
          </Link>
        </span>
      ))}
      {result.data.outOfScope > 0 && ` ${t('form.duplicateOutOfScope', { count: result.data.outOfScope })}`}
    </Typography.Text>
  );
}
