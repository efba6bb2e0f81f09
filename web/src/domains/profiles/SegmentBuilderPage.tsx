import { customerCategories, customerSources, educationLevels, genders, incomeBands, maritalStatuses, provinces } from '@insure/model/enums/common';
import { insuranceTypes } from '@insure/model/enums/insurance';
import type { EnumOption } from '@insure/model/field';
import { getEntity } from '@insure/model/registry';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, DatePicker, Input, InputNumber, Row, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useMe } from '../../app/AuthProvider.tsx';
import { hasPermission } from '../../app/auth-api.ts';
import { errorMessage } from '../../app/error-message.ts';
import { labelOf } from '../../app/i18n.ts';
import { usePageTitle } from '../../app/use-page-title.ts';
import { entityApi } from '../../entity/entity-api.ts';
import { entityQueryKey } from '../../entity/entity-query-keys.ts';
import { type Condition, type ConditionField, type ConditionGroup, isGroup, profileApi } from './profile-api.ts';
import { SegmentOpportunitiesDialog } from './SegmentOpportunitiesDialog.tsx';

const segmentEntity = getEntity('customerSegment');
const tagEntity = getEntity('customerTag');
const groupEntity = getEntity('customerGroup');

type Choice = EnumOption | { value: string; labelKey: string };
/** Profile codes, labelled by the locale group `profile.<group>`. */
const codes = (values: string[], group: string): Choice[] => values.map((value) => ({ value, labelKey: `profile.${group}.${value}` }));
/** Values offered for enumerated condition fields (`profile.<name>` and `customer.<name>`). */
const profileChoices: Record<string, Choice[]> = {
  lifeStage: codes(['minor', 'youngSingle', 'couple', 'parent', 'preRetirement', 'retired', 'unknown'], 'lifeStage'),
  valueTier: codes(['platinum', 'gold', 'silver', 'bronze', 'prospect'], 'tier'),
  lapseRiskLevel: codes(['high', 'medium', 'low', 'none'], 'riskLevel'),
  engagementLevel: codes(['active', 'cooling', 'dormant', 'none'], 'engagement'),
  ageBand: ['0-17', '18-25', '26-35', '36-45', '46-55', '56-65', '66+', 'unknown'].map((value) => ({ value, label: { zh: value, en: value } })),
  holdings: insuranceTypes,
  gaps: codes(['no_medical', 'parent_no_life', 'missing_accident', 'missing_criticalIllness', 'missing_annuity', 'missing_life', 'accident_below_income'], 'gapCode'),
  region: provinces,
  incomeBand: incomeBands,
};
const customerChoices: Record<string, Choice[]> = {
  gender: genders,
  category: customerCategories,
  source: customerSources,
  province: provinces,
  maritalStatus: maritalStatuses,
  education: educationLevels,
  incomeBand: incomeBands,
};
const choicesFor = (field: string): Choice[] | undefined => {
  const [scope, name] = field.split('.');
  return name ? (scope === 'profile' ? profileChoices : scope === 'customer' ? customerChoices : {})[name] : undefined;
};

const noValue = new Set(['isEmpty', 'notEmpty', 'isTrue', 'isFalse']);
const manyValues = new Set(['in', 'notIn', 'containsAny']);

function complete(group: ConditionGroup): boolean {
  return group.items.every((item) => (isGroup(item) ? complete(item) : noValue.has(item.op) || (item.value !== undefined && item.value !== null && item.value !== '' && (!Array.isArray(item.value) || item.value.length > 0))));
}

function ValueInput({ meta, condition, onChange }: { meta: ConditionField | undefined; condition: Condition; onChange: (value: Condition['value']) => void }) {
  const { t, i18n } = useTranslation();
  const field = condition.field;
  const kind = meta?.kind ?? 'text';
  const refEntity = kind === 'tag' ? tagEntity : kind === 'group' ? groupEntity : null;
  const refs = useQuery({ queryKey: entityQueryKey(refEntity ?? tagEntity, 'options-all'), queryFn: ({ signal }) => entityApi.options(refEntity!, {}, signal), enabled: !!refEntity });
  if (noValue.has(condition.op)) return null;
  const multiple = manyValues.has(condition.op) || kind === 'group';
  if (refEntity) {
    return (
      <Select
        style={{ minWidth: 180 }}
        mode={multiple ? 'multiple' : undefined}
        value={condition.value as number | number[] | undefined}
        onChange={(value) => onChange(value)}
        options={(refs.data ?? []).map((option) => ({ value: option.id, label: option.label ?? option.code ?? String(option.id) }))}
        placeholder={t('segment.pickValue')}
        data-testid="segment-value"
      />
    );
  }
  // A custom select offers its admin-defined options (stored as written, so label = value).
  const choices: Choice[] | undefined = meta?.options ? meta.options.map((option) => ({ value: option, label: { zh: option, en: option } })) : choicesFor(field);
  if (choices) {
    return (
      <Select
        style={{ minWidth: 180 }}
        mode={multiple ? 'multiple' : undefined}
        showSearch
        value={condition.value as string | string[] | undefined}
        onChange={(value) => onChange(value)}
        options={choices.map((choice) => ({ value: choice.value, label: 'labelKey' in choice ? t(choice.labelKey) : labelOf(choice.label, i18n.language) }))}
        placeholder={t('segment.pickValue')}
        data-testid="segment-value"
      />
    );
  }
  if (condition.op === 'between') {
    const pair = Array.isArray(condition.value) ? (condition.value as number[]) : [];
    return (
      <Space.Compact>
        <InputNumber value={pair[0]} onChange={(value) => onChange([Number(value ?? 0), pair[1] ?? 0])} data-testid="segment-value-from" />
        <InputNumber value={pair[1]} onChange={(value) => onChange([pair[0] ?? 0, Number(value ?? 0)])} data-testid="segment-value-to" />
      </Space.Compact>
    );
  }
  if (kind === 'number' || kind === 'money' || ['withinNextDays', 'withinLastDays', 'olderThanDays'].includes(condition.op)) {
    return <InputNumber style={{ width: 140 }} value={condition.value as number | undefined} onChange={(value) => onChange(value === null ? undefined : Number(value))} addonAfter={['withinNextDays', 'withinLastDays', 'olderThanDays'].includes(condition.op) ? t('segment.days') : undefined} data-testid="segment-value" />;
  }
  if (kind === 'date') {
    const day = typeof condition.value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(condition.value) ? dayjs(condition.value) : null;
    return <DatePicker value={day} onChange={(value) => onChange(value ? value.format('YYYY-MM-DD') : undefined)} data-testid="segment-value" />;
  }
  return <Input style={{ width: 180 }} value={(condition.value as string | undefined) ?? ''} onChange={(event) => onChange(event.target.value)} data-testid="segment-value" />;
}

const fieldGroups = ['profile', 'customer', 'tag', 'group', 'custom'];

/** The field picker's options, grouped: profile fields, customer fields, tags, groups, custom fields. */
function useFieldOptions(fields: ConditionField[]) {
  const { t, i18n } = useTranslation();
  return useMemo(
    () =>
      fieldGroups
        .map((group) => ({
          label: t(`segment.fieldGroup.${group}`),
          title: group,
          options: fields
            .filter((entry) => entry.group === group)
            .map((entry) => ({ value: entry.field, label: entry.label ? labelOf(entry.label, i18n.language) : t(`segment.field.${entry.field}`, { defaultValue: entry.field }) })),
        }))
        .filter((group) => group.options.length > 0),
    [fields, t, i18n.language],
  );
}

function GroupEditor({ group, fields, onChange, onRemove, depth }: { group: ConditionGroup; fields: ConditionField[]; onChange: (group: ConditionGroup) => void; onRemove?: () => void; depth: number }) {
  const { t } = useTranslation();
  const replace = (index: number, item: Condition | ConditionGroup | null) => onChange({ ...group, items: item ? group.items.map((entry, at) => (at === index ? item : entry)) : group.items.filter((_entry, at) => at !== index) });
  const firstField = fields[0];
  const fieldOptions = useFieldOptions(fields);
  return (
    <Card size="small" style={{ background: depth % 2 ? '#fafafa' : undefined }} data-testid={`segment-group-${depth}`}>
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Space wrap>
          <Select
            value={group.op}
            style={{ width: 200 }}
            onChange={(op) => onChange({ ...group, op })}
            options={[
              { value: 'and', label: t('segment.all') },
              { value: 'or', label: t('segment.any') },
            ]}
            data-testid="segment-group-op"
          />
          {onRemove && (
            <Button size="small" danger onClick={onRemove}>
              {t('segment.removeGroup')}
            </Button>
          )}
        </Space>
        {group.items.map((item, index) =>
          isGroup(item) ? (
            <GroupEditor key={index} group={item} fields={fields} depth={depth + 1} onChange={(next) => replace(index, next)} onRemove={() => replace(index, null)} />
          ) : (
            <Space key={index} wrap data-testid="segment-condition">
              <Select
                showSearch
                optionFilterProp="label"
                style={{ width: 240 }}
                value={item.field}
                onChange={(field) => replace(index, { field, op: fields.find((entry) => entry.field === field)?.operators[0] ?? 'eq' })}
                options={fieldOptions}
                data-testid="segment-field"
              />
              <Select
                style={{ width: 160 }}
                value={item.op}
                onChange={(op) => replace(index, { field: item.field, op })}
                options={(fields.find((entry) => entry.field === item.field)?.operators ?? []).map((op) => ({ value: op, label: t(`segment.op.${op}`) }))}
                data-testid="segment-op"
              />
              <ValueInput meta={fields.find((entry) => entry.field === item.field)} condition={item} onChange={(value) => replace(index, { ...item, value })} />
              <Button size="small" onClick={() => replace(index, null)}>
                {t('segment.removeCondition')}
              </Button>
            </Space>
          ),
        )}
        <Space>
          <Button size="small" disabled={!firstField} onClick={() => onChange({ ...group, items: [...group.items, { field: firstField!.field, op: firstField!.operators[0]! }] })} data-testid="segment-add-condition">
            {t('segment.addCondition')}
          </Button>
          {depth < 3 && (
            <Button size="small" onClick={() => onChange({ ...group, items: [...group.items, { op: group.op === 'and' ? 'or' : 'and', items: [] }] })} data-testid="segment-add-group">
              {t('segment.addGroup')}
            </Button>
          )}
        </Space>
      </Space>
    </Card>
  );
}

/** /segments/builder[?id=] — 客户分群设计器: AND/OR groups of conditions with a live count and preview, saved as a segment. */
export function SegmentBuilderPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useMe();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const editing = params.get('id') ? Number(params.get('id')) : null;
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [definition, setDefinition] = useState<ConditionGroup>({ op: 'and', items: [] });
  const [debounced, setDebounced] = useState(definition);
  const [saving, setSaving] = useState(false);
  const [opportunitiesOpen, setOpportunitiesOpen] = useState(false);
  usePageTitle(t('segment.title'));

  const fields = useQuery({ queryKey: ['segment-fields'], queryFn: ({ signal }) => profileApi.fields(signal), staleTime: Infinity });
  const saved = useQuery({ queryKey: entityQueryKey(segmentEntity, 'builder', editing ?? 0), queryFn: ({ signal }) => entityApi.get(segmentEntity, editing!, signal), enabled: editing !== null });
  useEffect(() => {
    if (!saved.data) return;
    setName(String(saved.data.name ?? ''));
    setDescription(String(saved.data.description ?? ''));
    try {
      setDefinition(JSON.parse(String(saved.data.definition)) as ConditionGroup);
    } catch {
      // an unreadable definition starts empty
    }
  }, [saved.data]);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(definition), 300);
    return () => clearTimeout(timer);
  }, [definition]);
  const ready = useMemo(() => complete(debounced), [debounced]);
  const preview = useQuery({
    queryKey: ['segment-preview', JSON.stringify(debounced)],
    queryFn: () => profileApi.preview(debounced),
    enabled: ready,
    placeholderData: keepPreviousData,
  });

  const save = async () => {
    if (!name.trim()) return void message.error(t('segment.nameRequired'));
    setSaving(true);
    try {
      const body = { name: name.trim(), description: description || null, definition: JSON.stringify(definition) };
      const row = editing && saved.data ? await entityApi.update(segmentEntity, editing, { ...body, version: saved.data.version }) : await entityApi.create(segmentEntity, { ...body, orgId: me.orgId });
      await queryClient.invalidateQueries({ queryKey: entityQueryKey(segmentEntity) });
      message.success(t('segment.saved'));
      navigate(`/segments/builder?id=${row.id}`, { replace: true });
    } catch (error) {
      message.error(errorMessage(error, t));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card className="page-card" size="small" data-testid="segment-builder">
      <div className="list-toolbar">
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('segment.title')}
        </Typography.Title>
        <Space>
          <Link to="/m/customer-segments">{t('segment.savedList')}</Link>
          {editing && saved.data && hasPermission(me, 'opportunity:create') ? (
            <Button onClick={() => setOpportunitiesOpen(true)} data-testid="segment-opportunities">
              {t('segmentOpportunities.action')}
            </Button>
          ) : null}
          <Button type="primary" loading={saving} onClick={() => void save()} data-testid="segment-save">
            {t('segment.save')}
          </Button>
        </Space>
      </div>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Input placeholder={t('segment.name')} value={name} maxLength={50} onChange={(event) => setName(event.target.value)} data-testid="segment-name" />
            <Input.TextArea placeholder={t('segment.description')} value={description} maxLength={500} autoSize={{ minRows: 1, maxRows: 3 }} onChange={(event) => setDescription(event.target.value)} />
            {fields.isError && <Alert type="warning" showIcon title={errorMessage(fields.error, t)} />}
            <GroupEditor group={definition} fields={fields.data?.fields ?? []} onChange={setDefinition} depth={1} />
          </Space>
        </Col>
        <Col xs={24} xl={10}>
          <Card size="small">
            <Statistic title={t('segment.liveCount')} value={ready && preview.data ? preview.data.count : '-'} loading={preview.isFetching && !preview.data} data-testid="segment-count" />
            {!ready && <Typography.Text type="secondary">{t('segment.incomplete')}</Typography.Text>}
            {preview.isError && <Alert type="error" showIcon title={errorMessage(preview.error, t)} />}
          </Card>
          <Table
            style={{ marginTop: 12 }}
            size="small"
            rowKey="id"
            pagination={false}
            scroll={{ x: 'max-content' }}
            dataSource={ready ? (preview.data?.items ?? []) : []}
            data-testid="segment-preview"
            columns={[
              { key: 'name', title: t('segment.col.name'), render: (_value, row) => <Link style={{ whiteSpace: 'nowrap' }} to={`/customers/${row.id}`}>{row.name ?? row.code}</Link> },
              { key: 'age', dataIndex: 'age', title: t('segment.col.age') },
              { key: 'lifeStage', title: t('segment.col.lifeStage'), render: (_value, row) => (row.lifeStage ? t(`profile.lifeStage.${row.lifeStage}`) : '-') },
              { key: 'valueTier', title: t('segment.col.valueTier'), render: (_value, row) => (row.valueTier ? t(`profile.tier.${row.valueTier}`, { defaultValue: row.valueTier }) : '-') },
              { key: 'lapseRisk', dataIndex: 'lapseRisk', title: t('segment.col.lapseRisk') },
              { key: 'gaps', title: t('segment.col.gaps'), render: (_value, row) => row.gapCodes.map((code) => <Tag key={code}>{t(`profile.gapCode.${code}`, { defaultValue: code })}</Tag>) },
            ]}
          />
        </Col>
      </Row>
      {opportunitiesOpen && editing && <SegmentOpportunitiesDialog segmentId={editing} segmentName={name} open onClose={() => setOpportunitiesOpen(false)} />}
    </Card>
  );
}
