import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { smsTemplate } from '@insure/model/entities/sms-template';
import { messageStatuses } from '@insure/model/entities/sms-message';
import { Alert, App, Button, Card, Col, Descriptions, Form, Row, Select, Space, Statistic, Switch, Table, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { hasPermission } from '../../app/auth-api.ts';
import { useMe } from '../../app/AuthProvider.tsx';
import { errorMessage } from '../../app/error-message.ts';
import { labelOf } from '../../app/i18n.ts';
import { usePageTitle } from '../../app/use-page-title.ts';
import { RefSelect } from '../../entity/RefSelect.tsx';
import { type SmsAudience, type SmsPreview, type SmsRule, smsApi, smsKeys } from './sms-api.ts';
import { formatMoney, formatPercent } from '../../entity/format-value.ts';

const kindLabel = (kind: string, language: string) => {
  const option = smsTemplate.fields.kind!.kind === 'enum' ? smsTemplate.fields.kind!.options.find((entry) => entry.value === kind) : undefined;
  return option ? labelOf(option.label, language) : kind;
};
const yuan = (cents: number) => formatMoney(cents / 100);

function RuleRow({ rule }: { rule: SmsRule }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const me = useMe();
  const queryClient = useQueryClient();
  const canEdit = hasPermission(me, 'smsTemplate:edit');
  const save = useMutation({
    mutationFn: (body: { enabled: boolean; daysBefore?: number[] }) => smsApi.saveRule(rule.kind, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: smsKeys.rules() }),
    onError: (error) => void message.error(errorMessage(error, t)),
  });
  const days = rule.settings.daysBefore;
  return (
    <Row align="middle" gutter={16} style={{ padding: '8px 0' }} data-testid={`sms-rule-${rule.kind}`}>
      <Col flex="220px">
        <Typography.Text strong>{kindLabel(rule.kind, i18n.language)}</Typography.Text>
      </Col>
      <Col flex="80px">
        <Switch checked={rule.enabled} disabled={!canEdit || !rule.available} loading={save.isPending} onChange={(enabled) => save.mutate({ enabled, daysBefore: days })} data-testid={`sms-rule-switch-${rule.kind}`} />
      </Col>
      <Col flex="auto">
        {days ? (
          <Space>
            <Typography.Text type="secondary">{t('sms.daysBefore')}</Typography.Text>
            <Select
              mode="tags"
              style={{ minWidth: 220 }}
              disabled={!canEdit || !rule.available}
              value={days.map(String)}
              onChange={(values: string[]) => {
                const parsed = values.map(Number).filter((value) => Number.isInteger(value) && value >= 0 && value <= 365);
                if (parsed.length) save.mutate({ enabled: rule.enabled, daysBefore: parsed });
              }}
            />
          </Space>
        ) : null}
        {!rule.available ? <Typography.Text type="warning">{t('sms.unavailable')}</Typography.Text> : null}
      </Col>
    </Row>
  );
}

function RulesTab() {
  const { t } = useTranslation();
  const rules = useQuery({ queryKey: smsKeys.rules(), queryFn: ({ signal }) => smsApi.rules(signal) });
  return (
    <Card size="small" loading={rules.isLoading}>
      <Typography.Paragraph type="secondary">{t('sms.rulesHint')}</Typography.Paragraph>
      {rules.data?.items.map((rule) => <RuleRow key={rule.kind} rule={rule} />)}
      {rules.data?.variables ? (
        <Typography.Paragraph type="secondary">
          {t('sms.variables')}: {rules.data.variables.map((name) => `{${name}}`).join(' ')}
        </Typography.Paragraph>
      ) : null}
    </Card>
  );
}

function StatsTab() {
  const { t, i18n } = useTranslation();
  const stats = useQuery({ queryKey: smsKeys.stats(), queryFn: ({ signal }) => smsApi.stats(signal) });
  const data = stats.data;
  const statusLabel = (value: string) => labelOf(messageStatuses.find((entry) => entry.value === value)?.label ?? { zh: value, en: value }, i18n.language);
  return (
    <Card size="small" loading={stats.isLoading}>
      {data ? (
        <>
          <Row gutter={16}>
            {messageStatuses.map((status) => (
              <Col key={status.value} xs={12} md={4}>
                <Statistic title={statusLabel(status.value)} value={data.byStatus[status.value] ?? 0} />
              </Col>
            ))}
            <Col xs={12} md={4}>
              <Statistic title={t('sms.deliveryRate')} value={data.deliveryRate == null ? '-' : formatPercent(data.deliveryRate)} />
            </Col>
          </Row>
          <Descriptions size="small" style={{ marginTop: 16 }} column={2} items={[
            { key: 'segments', label: t('sms.billedSegments'), children: data.billedSegments },
            { key: 'cost', label: t('sms.cost'), children: yuan(data.costCents) },
          ]} />
          <Table
            size="small"
            rowKey="kind"
            pagination={false}
            style={{ marginTop: 16 }}
            dataSource={Object.entries(data.byKind).map(([kind, counts]) => ({ kind, ...counts }))}
            columns={[
              { key: 'kind', title: t('sms.kind'), render: (_value, row) => kindLabel(row.kind, i18n.language) },
              ...messageStatuses.map((status) => ({ key: status.value, title: statusLabel(status.value), align: 'right' as const, render: (_value: unknown, row: Record<string, unknown>) => Number(row[status.value] ?? 0) })),
            ]}
          />
        </>
      ) : null}
    </Card>
  );
}

function ManualTab() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [templateId, setTemplateId] = useState<number | null>(null);
  const [customerIds, setCustomerIds] = useState<number[]>([]);
  const [groupId, setGroupId] = useState<number | null>(null);
  const [segmentId, setSegmentId] = useState<number | null>(null);
  const [audience, setAudience] = useState<SmsAudience | null>(null);
  const input = () => ({ templateId: templateId!, customerIds: customerIds.length ? customerIds : undefined, groupId: groupId ?? undefined, segmentId: segmentId ?? undefined });
  const preview = useMutation({ mutationFn: () => smsApi.previewAudience(input()), onSuccess: setAudience, onError: (error) => void message.error(errorMessage(error, t)) });
  const send = useMutation({
    mutationFn: () => smsApi.send(input()),
    onSuccess: (result) => {
      void message.success(t('sms.queued', { count: result.queued, cost: yuan(result.costCents) }));
      setAudience(null);
      void queryClient.invalidateQueries({ queryKey: smsKeys.stats().slice(0, 2) });
    },
    onError: (error) => void message.error(errorMessage(error, t)),
  });
  const ready = templateId != null && (customerIds.length > 0 || groupId != null || segmentId != null);
  return (
    <Card size="small">
      <Form layout="vertical" style={{ maxWidth: 640 }}>
        <Form.Item label={t('sms.template')} required>
          <RefSelect target="smsTemplate" value={templateId} onChange={(value) => { setTemplateId((value as number | null) ?? null); setAudience(null); }} testId="sms-manual-template" />
        </Form.Item>
        <Form.Item label={t('sms.customers')}>
          <RefSelect target="customer" isMultiple value={customerIds} onChange={(value) => { setCustomerIds((value as number[] | null) ?? []); setAudience(null); }} testId="sms-manual-customers" />
        </Form.Item>
        <Form.Item label={t('sms.group')}>
          <RefSelect target="customerGroup" value={groupId} onChange={(value) => { setGroupId((value as number | null) ?? null); setAudience(null); }} testId="sms-manual-group" />
        </Form.Item>
        <Form.Item label={t('sms.segment')}>
          <RefSelect target="customerSegment" value={segmentId} onChange={(value) => { setSegmentId((value as number | null) ?? null); setAudience(null); }} testId="sms-manual-segment" />
        </Form.Item>
        <Space>
          <Button disabled={!ready} loading={preview.isPending} onClick={() => preview.mutate()} data-testid="sms-manual-preview">{t('sms.previewRecipients')}</Button>
          <Button type="primary" disabled={!audience || audience.recipientCount === 0} loading={send.isPending} onClick={() => send.mutate()} data-testid="sms-manual-send">{t('sms.send')}</Button>
        </Space>
      </Form>
      {audience ? (
        <div style={{ marginTop: 16 }} data-testid="sms-manual-audience">
          <Alert type="info" showIcon message={t('sms.audience', { count: audience.recipientCount, segments: audience.segmentsEach, cost: yuan(audience.costCents) })} description={audience.sample} />
          {audience.excluded.length ? (
            <Space wrap style={{ marginTop: 8 }}>
              {audience.excluded.map((entry) => (
                <Tag key={entry.customerId} color="orange">{entry.name}: {t(`sms.excluded.${entry.reason}`)}</Tag>
              ))}
            </Space>
          ) : null}
        </div>
      ) : null}
    </Card>
  );
}

function PreviewTab() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [templateId, setTemplateId] = useState<number | null>(null);
  const [record, setRecord] = useState<{ customerId?: number; policyId?: number; claimId?: number; qualificationId?: number }>({});
  const [result, setResult] = useState<SmsPreview | null>(null);
  const preview = useMutation({ mutationFn: () => smsApi.previewTemplate(templateId!, record), onSuccess: setResult, onError: (error) => void message.error(errorMessage(error, t)) });
  const pick = (key: 'customerId' | 'policyId' | 'claimId' | 'qualificationId') => (value: unknown) => setRecord((current) => ({ ...current, [key]: (value as number | null) ?? undefined }));
  return (
    <Card size="small">
      <Form layout="vertical" style={{ maxWidth: 640 }}>
        <Form.Item label={t('sms.template')} required>
          <RefSelect target="smsTemplate" value={templateId} onChange={(value) => setTemplateId((value as number | null) ?? null)} testId="sms-preview-template" />
        </Form.Item>
        <Form.Item label={t('sms.recordCustomer')}><RefSelect target="customer" value={record.customerId} onChange={pick('customerId')} testId="sms-preview-customer" /></Form.Item>
        <Form.Item label={t('sms.recordPolicy')}><RefSelect target="policy" value={record.policyId} onChange={pick('policyId')} testId="sms-preview-policy" /></Form.Item>
        <Form.Item label={t('sms.recordClaim')}><RefSelect target="claim" value={record.claimId} onChange={pick('claimId')} testId="sms-preview-claim" /></Form.Item>
        <Form.Item label={t('sms.recordQualification')} extra={t('sms.recordQualificationHint')}><RefSelect target="qualification" value={record.qualificationId} onChange={pick('qualificationId')} testId="sms-preview-qualification" /></Form.Item>
        <Button disabled={templateId == null} loading={preview.isPending} onClick={() => preview.mutate()} data-testid="sms-preview-run">{t('sms.preview')}</Button>
      </Form>
      {result ? (
        <Descriptions size="small" column={1} bordered style={{ marginTop: 16 }} data-testid="sms-preview-result" items={[
          { key: 'zh', label: t('sms.contentZh'), children: result.contentZh },
          ...(result.contentEn ? [{ key: 'en', label: t('sms.contentEn'), children: result.contentEn }] : []),
          { key: 'segments', label: t('sms.billedSegments'), children: result.segments },
          { key: 'provider', label: t('sms.providerTemplateId'), children: result.providerTemplateId ?? '-' },
          ...(result.unresolved.length ? [{ key: 'unresolved', label: t('sms.unresolved'), children: result.unresolved.map((name) => `{${name}}`).join(' ') }] : []),
        ]} />
      ) : null}
    </Card>
  );
}

/** 短信通知 centre: reminder rules, manual sends with recipient and cost preview, template preview, delivery statistics. Templates and the outbox are the generic entity pages. */
export function SmsCenterPage() {
  const { t } = useTranslation();
  const me = useMe();
  usePageTitle(t('menu.smsCenter'));
  const items = [
    { key: 'stats', label: t('sms.tab.stats'), children: <StatsTab /> },
    ...(hasPermission(me, 'smsTemplate:view') ? [{ key: 'rules', label: t('sms.tab.rules'), children: <RulesTab /> }, { key: 'preview', label: t('sms.tab.preview'), children: <PreviewTab /> }] : []),
    ...(hasPermission(me, 'smsMessage:create') ? [{ key: 'manual', label: t('sms.tab.manual'), children: <ManualTab /> }] : []),
  ];
  return <Tabs destroyOnHidden items={items.map((item) => ({ ...item, label: <span data-testid={`sms-tab-${item.key}`}>{item.label}</span> }))} />;
}
