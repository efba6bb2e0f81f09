import { insuranceTypes } from '@insure/model/enums/insurance';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Input, List, Modal, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { hasPermission } from '../../app/auth-api.ts';
import { useMe } from '../../app/AuthProvider.tsx';
import { errorMessage } from '../../app/error-message.ts';
import { labelOf } from '../../app/i18n.ts';
import { entityQueryKey } from '../../entity/entity-query-keys.ts';
import { findOption } from '../../entity/format-value.ts';
import { customerEntity } from '../customers/customer-api.ts';
import { profileApi } from './profile-api.ts';
import { WhyText } from './ProfilePanel.tsx';

/** Next-best-product: ranked products for the customer's gaps; accept (→ opportunity) or skip with a reason. */
export function SuggestionsCard({ customerId }: { customerId: number }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const me = useMe();
  const queryClient = useQueryClient();
  const key = entityQueryKey(customerEntity, 'suggestions', customerId);
  const suggestions = useQuery({ queryKey: key, queryFn: ({ signal }) => profileApi.suggestions(customerId, signal) });
  const stats = useQuery({ queryKey: entityQueryKey(customerEntity, 'suggestion-stats'), queryFn: ({ signal }) => profileApi.suggestionStats(signal) });
  const [skipping, setSkipping] = useState<number | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [opened, setOpened] = useState<number | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: entityQueryKey(customerEntity) });
  const run = async (work: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await work();
      await refresh();
    } catch (error) {
      message.error(errorMessage(error, t));
    } finally {
      setBusy(false);
    }
  };
  const typeLabel = (type: string) => {
    const option = findOption(insuranceTypes, type);
    return option ? labelOf(option.label, i18n.language) : type;
  };
  const rate = stats.data?.acceptanceRate;
  return (
    <div data-testid="profile-suggestions">
      <Space style={{ marginTop: 16 }} align="baseline" wrap>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('profile.suggestionsTitle')}
        </Typography.Title>
        {stats.data && (
          <Typography.Text type="secondary" data-testid="suggestion-rate">
            {t('profile.acceptanceRate', { rate: rate == null ? '-' : `${Math.round(rate * 100)}%`, accepted: stats.data.accepted, total: stats.data.accepted + stats.data.skipped })}
          </Typography.Text>
        )}
      </Space>
      {opened !== null && (
        <div>
          <Link to={`/m/opportunities?detail=${opened}`}>{t('profile.opportunityOpened')}</Link>
        </div>
      )}
      <List
        size="small"
        loading={suggestions.isLoading}
        locale={{ emptyText: t('profile.noSuggestions') }}
        dataSource={suggestions.data?.items ?? []}
        renderItem={(item) => (
          <List.Item
            actions={[
              hasPermission(me, 'opportunity:create') && (
                <Button key="accept" size="small" type="primary" loading={busy} data-testid={`suggestion-accept-${item.productId}`} onClick={() => void run(async () => setOpened((await profileApi.accept(customerId, item.productId)).opportunityId))}>
                  {t('profile.accept')}
                </Button>
              ),
              hasPermission(me, 'customer:edit') && (
                <Button key="skip" size="small" data-testid={`suggestion-skip-${item.productId}`} onClick={() => { setReason(''); setSkipping(item.productId); }}>
                  {t('profile.skip')}
                </Button>
              ),
            ].filter(Boolean)}
          >
            <Space orientation="vertical" size={0}>
              <Space wrap>
                <Typography.Text strong>{item.productName}</Typography.Text>
                <Tag color={findOption(insuranceTypes, item.insuranceType)?.color}>{typeLabel(item.insuranceType)}</Tag>
                <Tag color="red">{t(`profile.gapCode.${item.gapCode}`, { defaultValue: item.gapCode })}</Tag>
              </Space>
              <WhyText why={item.why} />
            </Space>
          </List.Item>
        )}
      />
      {(suggestions.data?.excluded.length ?? 0) > 0 && (
        <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
          {t('profile.excludedTitle')}
          {suggestions.data!.excluded.map((entry) => `${entry.productName}（${t(`profile.excluded.${entry.reason}`, { defaultValue: entry.reason })}）`).join('、')}
        </Typography.Paragraph>
      )}
      <Modal
        open={skipping !== null}
        title={t('profile.skipTitle')}
        okText={t('profile.skip')}
        okButtonProps={{ disabled: !reason.trim(), loading: busy, 'data-testid': 'suggestion-skip-confirm' } as never}
        onCancel={() => setSkipping(null)}
        onOk={() => void run(async () => { await profileApi.skip(customerId, skipping!, reason.trim()); setSkipping(null); })}
      >
        <Input.TextArea value={reason} maxLength={500} autoSize={{ minRows: 2 }} placeholder={t('profile.skipReason')} onChange={(event) => setReason(event.target.value)} data-testid="suggestion-skip-reason" />
      </Modal>
    </div>
  );
}
