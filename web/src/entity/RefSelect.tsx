import { useQuery } from '@tanstack/react-query';
import { Select, Spin } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDebouncedValue } from '../app/use-debounced-value.ts';
import { entityApi, type RefValue } from './entity-api.ts';
import { entityByName } from './entity-lookup.ts';

type RefSelectValue = number | number[] | null | undefined;

interface RefSelectProps {
  /** Name of the referenced entity. */
  target: string;
  isMultiple?: boolean;
  value?: RefSelectValue;
  onChange?: (value: RefSelectValue) => void;
  /** Labels already known (the row's _refs), so current values show even when no longer pickable. */
  known?: RefValue[];
  placeholder?: string;
  testId?: string;
  /** `entity.field` asking, when that field accepts other statuses than the target's pickable ones. */
  asker?: string;
  id?: string;
  /** The input's accessible name when no <label> points at it (defaults to the placeholder). */
  ariaLabel?: string;
}

interface OptionItem {
  value: number;
  label: string;
  disabled?: boolean;
}

const asIds = (value: RefSelectValue): number[] => (Array.isArray(value) ? value : typeof value === 'number' ? [value] : []);

/** Remote-search select over GET /api/<plural>/options (only pickable, in-scope records). */
export function RefSelect({ target, isMultiple = false, value, onChange, known = [], placeholder, testId, id, asker, ariaLabel }: RefSelectProps) {
  const { t } = useTranslation();
  const entity = entityByName(target);
  const [search, setSearch] = useState('');
  const q = useDebouncedValue(search.trim());
  const [isOpen, setIsOpen] = useState(false);

  const searchQuery = useQuery({
    queryKey: ['options', target, q, asker],
    queryFn: ({ signal }) => (entity ? entityApi.options(entity, { q, asker }, signal) : Promise.resolve([])),
    enabled: !!entity && isOpen,
  });

  const knownIds = new Set(known.map((ref) => ref.id));
  const missingIds = asIds(value).filter((refId) => !knownIds.has(refId));
  const idsQuery = useQuery({
    queryKey: ['options', target, 'ids', missingIds.join(','), asker],
    queryFn: ({ signal }) => (entity ? entityApi.options(entity, { ids: missingIds, asker }, signal) : Promise.resolve([])),
    enabled: !!entity && missingIds.length > 0,
    staleTime: 60_000,
  });

  const options = useMemo(() => {
    const byId = new Map<number, OptionItem>();
    for (const ref of known) {
      const text = ref.label || ref.code || `#${ref.id}`;
      byId.set(ref.id, { value: ref.id, label: ref.deleted ? `${text} (${t('entity.deletedRef')})` : text, disabled: ref.deleted === true });
    }
    for (const option of [...(idsQuery.data ?? []), ...(searchQuery.data ?? [])]) {
      const text = option.label || option.code || `#${option.id}`;
      byId.set(option.id, { value: option.id, label: option.code && option.label ? `${option.label} (${option.code})` : text });
    }
    return [...byId.values()];
  }, [known, idsQuery.data, searchQuery.data, t]);

  return (
    <Select<RefSelectValue, OptionItem>
      id={id}
      mode={isMultiple ? 'multiple' : undefined}
      allowClear
      value={value ?? (isMultiple ? [] : undefined)}
      onChange={(next) => onChange?.(next ?? null)}
      options={options}
      placeholder={placeholder ?? t('common.searchToSelect')}
      showSearch={{ filterOption: false, onSearch: setSearch }}
      onOpenChange={setIsOpen}
      notFoundContent={searchQuery.isFetching ? <Spin size="small" /> : t('common.noMatch')}
      maxTagCount="responsive"
      style={{ width: '100%' }}
      data-testid={testId}
      aria-label={id ? undefined : (ariaLabel ?? placeholder ?? t('common.searchToSelect'))}
    />
  );
}
