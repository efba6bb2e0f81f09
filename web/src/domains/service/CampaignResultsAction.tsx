import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Descriptions, Modal, Space, Statistic } from 'antd';
import { RefSelect } from '../../entity/RefSelect.tsx';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { hasPermission } from '../../app/auth-api.ts';
import { useMe } from '../../app/AuthProvider.tsx';
import { errorMessage } from '../../app/error-message.ts';
import type { RowActionProps } from '../../entity/entity-extensions.ts';
import { entityQueryKey } from '../../entity/entity-query-keys.ts';
import { getEntity } from '@insure/model/registry';
import { serviceApi, serviceKeys } from './service-api.ts';
import { formatDateTime, formatMoney, formatPercent } from '../../entity/format-value.ts';

const money = (value: number | null) => (value === null ? '-' : formatMoney(value));

/** Campaign row action: attributed results (leads, opportunities, signings, premium, ROI) and inviting the target group. */
export function CampaignResultsAction({ row, onDone }: RowActionProps) {
  const { t } = useTranslation();
  const me = useMe();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [segmentId, setSegmentId] = useState<number | null>(null);
  const results = useQuery({ queryKey: serviceKeys.campaignResults(row.id), queryFn: ({ signal }) => serviceApi.campaignResults(row.id, signal), enabled: open });
  const invite = useMutation({
    mutationFn: (segment?: number) => serviceApi.inviteAudience(row.id, segment),
    onSuccess: async ({ added }) => {
      message.success(t('campaigns.invited', { count: added }));
      await queryClient.invalidateQueries({ queryKey: entityQueryKey(getEntity('campaignParticipant')) });
      await queryClient.invalidateQueries({ queryKey: serviceKeys.campaignResults(row.id) });
      onDone();
    },
    onError: (error) => message.error(errorMessage(error, t)),
  });
  const data = results.data;
  return (
    <>
      <Button type="link" size="small" onClick={() => setOpen(true)} data-testid="row-campaign-results">
        {t('campaigns.results')}
      </Button>
      <Modal open={open} onCancel={() => setOpen(false)} footer={null} title={t('campaigns.results')} width={640} destroyOnHidden>
        {results.isError && errorMessage(results.error, t)}
        {data && (
          <Space orientation="vertical" style={{ width: '100%' }} data-testid="campaign-results">
            <Space wrap size={24}>
              <Statistic title={t('campaigns.attended')} value={`${data.attended} / ${data.invited}`} />
              <Statistic title={t('campaigns.leads')} value={data.leads} />
              <Statistic title={t('campaigns.opportunities')} value={data.opportunities} />
              <Statistic title={t('campaigns.signings')} value={data.signings} />
              <Statistic title={t('campaigns.premium')} value={money(data.premium)} />
              <Statistic title={t('campaigns.roi')} value={data.roi === null ? '-' : formatPercent(data.roi)} />
            </Space>
            <Descriptions size="small" column={1}>
              <Descriptions.Item label={t('campaigns.window')}>{`${formatDateTime(data.window.from, undefined, false)} ~ ${formatDateTime(data.window.to, undefined, false)}`}</Descriptions.Item>
              <Descriptions.Item label={t('campaigns.budgetCost')}>{`${money(data.budget)} / ${money(data.cost)}`}</Descriptions.Item>
            </Descriptions>
            {hasPermission(me, 'campaignParticipant:create') && row.audienceGroupId != null && (
              <Button onClick={() => invite.mutate(undefined)} loading={invite.isPending} data-testid="campaign-invite">
                {t('campaigns.invite')}
              </Button>
            )}
            {hasPermission(me, 'campaignParticipant:create') && hasPermission(me, 'customerSegment:view') && (
              <Space wrap>
                <div style={{ width: 240, maxWidth: '100%' }}>
                  <RefSelect target="customerSegment" placeholder={t('campaigns.segment')} value={segmentId} onChange={(value) => setSegmentId((value as number | null) ?? null)} testId="campaign-invite-segment" />
                </div>
                <Button disabled={segmentId == null} onClick={() => invite.mutate(segmentId ?? undefined)} loading={invite.isPending} data-testid="campaign-invite-segment-submit">
                  {t('campaigns.inviteSegment')}
                </Button>
              </Space>
            )}
          </Space>
        )}
      </Modal>
    </>
  );
}
