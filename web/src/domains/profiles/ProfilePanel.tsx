import { insuranceTypes } from '@insure/model/enums/insurance';
import { useQuery } from '@tanstack/react-query';
import { Alert, Descriptions, Empty, List, Progress, Skeleton, Space, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/error-message.ts';
import { labelOf } from '../../app/i18n.ts';
import { findOption, formatDateTime, formatMoney } from '../../entity/format-value.ts';
import { profileApi, profileKey, type Why } from './profile-api.ts';
import { SuggestionsCard } from './SuggestionsCard.tsx';

/** Lists of records the why-texts count rather than name. */
const countedLists = new Set(['policies', 'external', 'expiredExternal', 'members', 'signals']);

/** Rule data made readable for the why-text: lists joined (or counted), nested objects left out. */
function whyParams(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (Array.isArray(value)) out[key] = countedLists.has(key) || value.some((entry) => typeof entry === 'object') ? value.length : value.join(', ') || '-';
    else if (value === null || value === undefined) out[key] = '-';
    else if (typeof value !== 'object') out[key] = value;
  }
  return out;
}

/** "Why" of one value: the rule's sentence with its data. */
export function WhyText({ why }: { why?: Why }) {
  const { t } = useTranslation();
  if (!why) return null;
  const params = whyParams(why.data);
  // codes in the data read as words
  if (typeof why.data.lifeStage === 'string') params.lifeStage = t(`profile.lifeStage.${why.data.lifeStage}`);
  if (typeof why.data.level === 'string') params.level = t(`profile.riskLevel.${why.data.level}`, { defaultValue: why.data.level });
  if (typeof why.data.gap === 'string') params.gap = t(`profile.gapCode.${why.data.gap}`, { defaultValue: why.data.gap });
  if (Array.isArray(why.data.gaps)) params.gaps = (why.data.gaps as string[]).map((code) => t(`profile.gapCode.${code}`, { defaultValue: code })).join(', ') || '-';
  return (
    <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid={`why-${why.rule}`}>
      {t(`profile.rules.${why.rule}`, params)}
    </Typography.Text>
  );
}

const riskColor: Record<string, string> = { high: 'red', medium: 'orange', low: 'green', none: 'default' };

/** The computed profile (用户画像) of a customer: every value with the rule and data behind it. */
export function ProfilePanel({ customerId }: { customerId: number }) {
  const { t, i18n } = useTranslation();
  const profile = useQuery({ queryKey: profileKey(customerId), queryFn: ({ signal }) => profileApi.profile(customerId, signal) });
  if (profile.isLoading) return <Skeleton active paragraph={{ rows: 6 }} />;
  if (profile.isError || !profile.data) return <Alert type="warning" showIcon title={errorMessage(profile.error, t)} />;
  const { values, why, gaps, holdings, risk, tags } = profile.data;
  const typeLabel = (type: string) => {
    const option = findOption(insuranceTypes, type);
    return option ? labelOf(option.label, i18n.language) : type;
  };
  const enumText = (group: string, value: unknown) => (value == null ? '-' : t(`profile.${group}.${String(value)}`, { defaultValue: String(value) }));
  const items = [
    { key: 'ageBand', label: t('profile.field.ageBand'), value: values.ageBand === 'unknown' ? t('profile.unknown') : `${String(values.ageBand)} (${String(values.age)})`, why: why.ageBand },
    { key: 'lifeStage', label: t('profile.field.lifeStage'), value: enumText('lifeStage', values.lifeStage), why: why.lifeStage },
    { key: 'household', label: t('profile.field.household'), value: t('profile.householdValue', { size: values.householdSize, minors: values.minorChildren }), why: why.household },
    { key: 'region', label: t('profile.field.region'), value: String(values.region ?? '-'), why: why.region },
    { key: 'occupationClass', label: t('profile.field.occupationClass'), value: values.occupationClass == null ? '-' : t('profile.occupationClassValue', { class: values.occupationClass }), why: why.occupationClass },
    { key: 'incomeBand', label: t('profile.field.incomeBand'), value: String(values.incomeBand ?? '-'), why: why.incomeBand },
    { key: 'valueTier', label: t('profile.field.valueTier'), value: enumText('tier', values.valueTier), why: why.valueTier },
    { key: 'lapseRisk', label: t('profile.field.lapseRisk'), value: <Tag color={riskColor[String(values.lapseRiskLevel)]}>{`${String(values.lapseRisk)} · ${enumText('riskLevel', values.lapseRiskLevel)}`}</Tag>, why: why.lapseRisk },
    { key: 'satisfaction', label: t('profile.field.satisfaction'), value: values.satisfaction == null ? '-' : `${String(values.satisfaction)} / 5`, why: why.satisfaction },
    { key: 'engagement', label: t('profile.field.engagement'), value: enumText('engagement', values.engagementLevel), why: why.engagement },
    { key: 'claims', label: t('profile.field.claims'), value: t('profile.claimsValue', { total: values.claimCount, year: values.claimsThisYear }), why: why.claims },
    { key: 'nextExpiry', label: t('profile.field.nextExpiry'), value: String(values.nextExpiryDate ?? '-'), why: why.nextExpiry },
    { key: 'completeness', label: t('profile.field.completeness'), value: <Progress aria-label={t('profile.field.completeness')} percent={Number(values.completeness)} size="small" style={{ width: 160 }} />, why: why.completeness },
  ];
  return (
    <div data-testid="customer-profile">
      <Descriptions size="small" column={{ xs: 1, md: 2 }} bordered>
        {items.map((item) => (
          <Descriptions.Item key={item.key} label={item.label}>
            <Space orientation="vertical" size={0} data-testid={`profile-${item.key}`}>
              <span>{item.value}</span>
              <WhyText why={item.why} />
            </Space>
          </Descriptions.Item>
        ))}
      </Descriptions>
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('profile.holdingsTitle')}
      </Typography.Title>
      <Space size={[8, 8]} wrap data-testid="profile-holdings">
        {Object.keys(holdings).length === 0 && <Typography.Text type="secondary">{t('profile.noHoldings')}</Typography.Text>}
        {Object.entries(holdings).map(([type, holding]) => (
          <Tag key={type} color={findOption(insuranceTypes, type)?.color}>
            {t('profile.holdingValue', { type: typeLabel(type), own: holding.own, external: holding.external, sum: formatMoney(holding.sumInsured, i18n.language) })}
          </Tag>
        ))}
      </Space>
      <div style={{ marginTop: 4 }}>
        <WhyText why={why.holdings} />
      </div>
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('profile.gapsTitle')}
      </Typography.Title>
      {gaps.length === 0 ? (
        <Typography.Text type="secondary">{t('profile.noGaps')}</Typography.Text>
      ) : (
        <List
          size="small"
          data-testid="profile-gaps"
          dataSource={gaps}
          renderItem={(gap) => (
            <List.Item>
              <Space orientation="vertical" size={0}>
                <Tag color="red">{t(`profile.gap.${gap.code.startsWith('missing_') ? 'missing' : gap.code}`, { type: typeLabel(gap.insuranceType) })}</Tag>
                <WhyText why={gap.why} />
              </Space>
            </List.Item>
          )}
        />
      )}
      {risk.length > 0 && (
        <>
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('profile.riskTitle')}
          </Typography.Title>
          <Space size={[8, 8]} wrap data-testid="profile-risk">
            {risk.map((signal) => (
              <Tag key={signal.signal} color="orange">
                {t(`profile.signal.${signal.signal}`, whyParams(signal.data))} +{signal.points}
              </Tag>
            ))}
          </Space>
        </>
      )}
      <SuggestionsCard customerId={customerId} />
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('profile.tagsTitle')}
      </Typography.Title>
      {tags.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('profile.noTags')} />
      ) : (
        <Space size={[8, 8]} wrap data-testid="profile-tags">
          {tags.map((tag) => (
            <Tooltip key={`${tag.tagId}-${tag.source}`} title={t(tag.source === 'rule' ? 'profile.tagRuleWhy' : 'profile.tagManualWhy', { since: formatDateTime(tag.since), by: (tag.reason as { by?: string } | null)?.by ?? '-', values: JSON.stringify((tag.reason as { values?: unknown } | null)?.values ?? {}) })}>
              <Tag color={tag.color ?? undefined}>
                {tag.name} · {t(`profile.tagSource.${tag.source}`)} · {t('profile.since', { date: formatDateTime(tag.since).slice(0, 10) })}
              </Tag>
            </Tooltip>
          ))}
        </Space>
      )}
      <div style={{ marginTop: 12 }}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('profile.computedAt', { at: profile.data.computedAt ? formatDateTime(profile.data.computedAt) : '-' })}
        </Typography.Text>
      </div>
    </div>
  );
}
