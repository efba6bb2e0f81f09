import { incomeBands } from '@insure/model/enums/common';
import { insuranceTypes } from '@insure/model/enums/insurance';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Descriptions, Form, Input, InputNumber, Radio, Row, Select, Space, Spin, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../app/AuthProvider.tsx';
import { isApiError } from '../../app/api-client.ts';
import { hasPermission } from '../../app/auth-api.ts';
import { errorMessage } from '../../app/error-message.ts';
import { labelOf } from '../../app/i18n.ts';
import { usePageTitle } from '../../app/use-page-title.ts';
import { type ProfileSettings, profileApi } from './profile-api.ts';

const lifeStages = ['minor', 'youngSingle', 'couple', 'parent', 'preRetirement', 'retired', 'unknown'];
const rfmKeys = ['recencyDays', 'frequency', 'monetaryYuan', 'tenureYears'] as const;
const riskKeys = ['perLatePayment', 'maxLatePayments', 'noContactDays', 'noContact', 'perOpenComplaint', 'maxOpenComplaints', 'lowSurveyScore', 'lowSurvey', 'singleProduct', 'mediumFrom', 'highFrom'];
type Name = (string | number)[];

/** A fixed or growing list of numbers edited side by side (age bands, RFM bounds); the server checks the order. */
function NumberList({ value = [], onChange, resizable, testId }: { value?: number[]; onChange?: (value: number[]) => void; resizable?: boolean; testId?: string }) {
  const set = (index: number, next: number | null) => onChange?.(value.map((entry, at) => (at === index ? Number(next ?? 0) : entry)));
  return (
    <Space wrap data-testid={testId}>
      {value.map((entry, index) => (
        <InputNumber key={index} style={{ width: 96 }} value={entry} onChange={(next) => set(index, next)} />
      ))}
      {resizable && (
        <>
          <Button size="small" onClick={() => onChange?.([...value, (value.at(-1) ?? 0) + 10])}>
            +
          </Button>
          <Button size="small" disabled={value.length <= 1} onClick={() => onChange?.(value.slice(0, -1))}>
            −
          </Button>
        </>
      )}
    </Space>
  );
}

/** /profiles/settings — 画像规则设置: value tiers (RFM), the needs model per life stage, lapse-risk weights and the rest. */
export function ProfileSettingsPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const me = useMe();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<ProfileSettings>();
  const [rebuild, setRebuild] = useState<'now' | 'nightly'>('now');
  const [saving, setSaving] = useState(false);
  const [unplaced, setUnplaced] = useState<string[]>([]);
  const names = useRef(new Set<string>());
  const at = (name: Name): Name => {
    names.current.add(name.join('.'));
    return name;
  };
  /** A field inside a Form.List: its name relative to the list item, its full path recorded. */
  const inList = (list: string, index: number, key: string): Name => {
    names.current.add(`${list}.${index}.${key}`);
    return [index, key];
  };
  usePageTitle(t('profileSettings.title'));
  const canEdit = hasPermission(me, 'customerTag:edit') && me.dataScope === 'all';

  const settings = useQuery({ queryKey: ['profile-settings'], queryFn: ({ signal }) => profileApi.settings(signal) });
  const status = useQuery({
    queryKey: ['profile-rebuild'],
    queryFn: ({ signal }) => profileApi.rebuildStatus(signal),
    refetchInterval: (query) => (['queued', 'running'].includes(query.state.data?.state ?? '') ? 2000 : false),
  });
  useEffect(() => {
    if (settings.data) form.setFieldsValue(settings.data);
  }, [settings.data, form]);

  /** Server reasons go on the field they name, or the nearest list holding it (e.g. `rfm.frequency.2` → the list). */
  const showErrors = (fields: Record<string, string>) => {
    const left: string[] = [];
    const placed = Object.entries(fields).flatMap(([path, text]) => {
      const parts = path.split('.');
      for (let length = parts.length; length > 0; length -= 1) {
        const key = parts.slice(0, length).join('.');
        if (names.current.has(key)) return [{ name: parts.slice(0, length).map((part) => (/^\d+$/.test(part) ? Number(part) : part)), errors: [text] }];
      }
      left.push(`${path}: ${text}`);
      return [];
    });
    form.setFields(placed as never);
    setUnplaced(left);
  };

  const save = async () => {
    setSaving(true);
    setUnplaced([]);
    // Reasons from the last attempt go; the server answers again for what is still wrong.
    form.setFields([...names.current].map((key) => ({ name: key.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part)), errors: [] })) as never);
    try {
      const values = { ...settings.data, ...form.getFieldsValue(true) } as ProfileSettings;
      const saved = await profileApi.saveSettings(values, rebuild);
      queryClient.setQueryData(['profile-settings'], saved.settings);
      queryClient.setQueryData(['profile-rebuild'], (previous: object | undefined) => ({ ...previous, ...saved.rebuild }));
      await queryClient.invalidateQueries({ queryKey: ['profile-rebuild'] });
      message.success(t(rebuild === 'now' ? 'profileSettings.savedNow' : 'profileSettings.savedNightly'));
    } catch (error) {
      if (isApiError(error) && Object.keys(error.fields).length) showErrors(error.fields);
      message.error(errorMessage(error, t));
    } finally {
      setSaving(false);
    }
  };
  const recompute = async () => {
    try {
      queryClient.setQueryData(['profile-rebuild'], await profileApi.rebuild());
      await queryClient.invalidateQueries({ queryKey: ['profile-rebuild'] });
    } catch (error) {
      message.error(errorMessage(error, t));
    }
  };

  if (settings.isLoading) return <Spin />;
  if (settings.isError) return <Alert type="error" showIcon title={errorMessage(settings.error, t)} />;
  const state = status.data?.state ?? 'idle';
  const when = (value: string | null | undefined) => (value ? new Date(value).toLocaleString(i18n.language) : '-');
  const number = (name: Name, label: string, extra?: { min?: number; max?: number; suffix?: string }) => (
    <Form.Item name={at(name)} label={label} key={name.join('.')}>
      <InputNumber min={extra?.min} max={extra?.max} suffix={extra?.suffix} style={{ width: 160 }} data-testid={`settings-${name.join('-')}`} />
    </Form.Item>
  );

  return (
    <Card className="page-card" size="small" data-testid="profile-settings">
      <div className="list-toolbar">
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('profileSettings.title')}
        </Typography.Title>
        {canEdit && (
          <Space wrap>
            <Radio.Group value={rebuild} onChange={(event) => setRebuild(event.target.value as 'now' | 'nightly')} data-testid="settings-rebuild-choice">
              <Radio value="now">{t('profileSettings.rebuildNow')}</Radio>
              <Radio value="nightly">{t('profileSettings.rebuildNightly', { at: status.data?.nightlyAt ?? '01:45' })}</Radio>
            </Radio.Group>
            <Button type="primary" loading={saving} onClick={() => void save()} data-testid="settings-save">
              {t('profileSettings.save')}
            </Button>
          </Space>
        )}
      </div>
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Alert type="info" showIcon title={t('profileSettings.explain', { at: status.data?.nightlyAt ?? '01:45' })} />
        {!canEdit && <Alert type="warning" showIcon title={t('profileSettings.readOnly')} />}
        {unplaced.length > 0 && <Alert type="error" showIcon title={unplaced.join('; ')} />}
        <Card size="small" title={t('profileSettings.rebuildTitle')} data-testid="settings-rebuild-status">
          <Descriptions size="small" column={{ xs: 1, md: 3 }}>
            <Descriptions.Item label={t('profileSettings.rebuildState')}>{t(`profileSettings.state.${state}`)}</Descriptions.Item>
            <Descriptions.Item label={t('profileSettings.rebuildFinished')}>{when(status.data?.finishedAt)}</Descriptions.Item>
            <Descriptions.Item label={t('profileSettings.rebuildCustomers')}>{status.data?.customers ?? '-'}</Descriptions.Item>
            <Descriptions.Item label={t('profileSettings.changedAt')}>{when(status.data?.settingsUpdatedAt)}</Descriptions.Item>
            <Descriptions.Item label={t('profileSettings.changedBy')}>{status.data?.settingsUpdatedBy ?? '-'}</Descriptions.Item>
          </Descriptions>
          {canEdit && (
            <Button size="small" disabled={state === 'queued' || state === 'running'} onClick={() => void recompute()} data-testid="settings-rebuild">
              {t('profileSettings.rebuildButton')}
            </Button>
          )}
        </Card>
        <Form form={form} layout="vertical" disabled={!canEdit} onValuesChange={() => setUnplaced([])}>
          <Row gutter={[16, 0]}>
            <Col xs={24} xl={12}>
              <Card size="small" title={t('profileSettings.section.tiers')} data-testid="settings-tiers">
                <Typography.Paragraph type="secondary">{t('profileSettings.help.rfm')}</Typography.Paragraph>
                {rfmKeys.map((key) => (
                  <Form.Item key={key} name={at(['rfm', key])} label={t(`profileSettings.rfm.${key}`)}>
                    <NumberList testId={`settings-rfm-${key}`} />
                  </Form.Item>
                ))}
                <Typography.Paragraph type="secondary">{t('profileSettings.help.tiers')}</Typography.Paragraph>
                <Form.List name="tiers">
                  {(items, { add, remove }) => (
                    <>
                      {items.map((item) => (
                        <Space key={item.key} align="start" wrap>
                          <Form.Item name={inList('tiers', item.name, 'tier')} label={t('profileSettings.tier')} rules={[{ required: true, message: t('validation.required') }]}>
                            <Input style={{ width: 140 }} />
                          </Form.Item>
                          <Form.Item name={inList('tiers', item.name, 'minScore')} label={t('profileSettings.minScore')}>
                            <InputNumber min={0} max={20} style={{ width: 100 }} />
                          </Form.Item>
                          <Button size="small" style={{ marginTop: 30 }} disabled={items.length <= 1} onClick={() => remove(item.name)}>
                            {t('profileSettings.remove')}
                          </Button>
                        </Space>
                      ))}
                      <div>
                        <Button size="small" disabled={items.length >= 8} onClick={() => add({ tier: '', minScore: 0 })}>
                          {t('profileSettings.addTier')}
                        </Button>
                      </div>
                    </>
                  )}
                </Form.List>
              </Card>
              <Card size="small" title={t('profileSettings.section.risk')} style={{ marginTop: 16 }} data-testid="settings-risk">
                <Typography.Paragraph type="secondary">{t('profileSettings.help.risk')}</Typography.Paragraph>
                <Row gutter={16}>
                  {riskKeys.map((key) => (
                    <Col key={key} xs={24} sm={12}>
                      {number(['risk', key], t(`profileSettings.risk.${key}`), { min: 0 })}
                    </Col>
                  ))}
                </Row>
              </Card>
              <Card size="small" title={t('profileSettings.section.engagement')} style={{ marginTop: 16 }}>
                <Space wrap>
                  {number(['engagement', 'activeDays'], t('profileSettings.engagement.activeDays'), { min: 1, suffix: t('segment.days') })}
                  {number(['engagement', 'dormantDays'], t('profileSettings.engagement.dormantDays'), { min: 1, suffix: t('segment.days') })}
                </Space>
              </Card>
            </Col>
            <Col xs={24} xl={12}>
              <Card size="small" title={t('profileSettings.section.needs')} data-testid="settings-needs">
                <Typography.Paragraph type="secondary">{t('profileSettings.help.needs')}</Typography.Paragraph>
                {lifeStages.map((stage) => (
                  <Form.Item key={stage} name={at(['needs', stage])} label={t(`profile.lifeStage.${stage}`)}>
                    <Select mode="multiple" options={insuranceTypes.map((option) => ({ value: option.value, label: labelOf(option.label, i18n.language) }))} data-testid={`settings-needs-${stage}`} />
                  </Form.Item>
                ))}
                <Space wrap>
                  {number(['riskyOccupationClass'], t('profileSettings.riskyOccupationClass'), { min: 1, max: 6 })}
                  {number(['accidentIncomeMultiple'], t('profileSettings.accidentIncomeMultiple'), { min: 0, suffix: '×' })}
                </Space>
                <Typography.Paragraph type="secondary">{t('profileSettings.help.income')}</Typography.Paragraph>
                <Space wrap>{incomeBands.map((band) => number(['incomeByBand', band.value], labelOf(band.label, i18n.language), { min: 0, suffix: '¥' }))}</Space>
              </Card>
              <Card size="small" title={t('profileSettings.section.lifeStage')} style={{ marginTop: 16 }}>
                <Form.Item name={at(['ageBands'])} label={t('profileSettings.ageBands')} extra={t('profileSettings.help.ageBands')}>
                  <NumberList resizable testId="settings-ageBands" />
                </Form.Item>
                <Space wrap>
                  {number(['adultAge'], t('profileSettings.adultAge'), { min: 14, max: 21 })}
                  {number(['preRetirementAge'], t('profileSettings.preRetirementAge'))}
                  {number(['retirementAge'], t('profileSettings.retirementAge'))}
                </Space>
              </Card>
              <Card size="small" title={t('profileSettings.section.occupation')} style={{ marginTop: 16 }}>
                <Typography.Paragraph type="secondary">{t('profileSettings.help.occupation')}</Typography.Paragraph>
                <Form.List name="occupationClasses">
                  {(items) =>
                    items.map((item) => (
                      <Row key={item.key} gutter={8} wrap={false}>
                        <Col flex="96px">
                          <Form.Item name={inList('occupationClasses', item.name, 'class')} label={t('profileSettings.occupationClass')}>
                            <InputNumber min={1} max={6} style={{ width: 80 }} />
                          </Form.Item>
                        </Col>
                        <Col flex="auto" style={{ minWidth: 0 }}>
                          <Form.Item name={inList('occupationClasses', item.name, 'keywords')} label={t('profileSettings.keywords')}>
                            <Select mode="tags" tokenSeparators={[',', '，']} />
                          </Form.Item>
                        </Col>
                      </Row>
                    ))
                  }
                </Form.List>
              </Card>
            </Col>
          </Row>
        </Form>
      </Space>
    </Card>
  );
}
