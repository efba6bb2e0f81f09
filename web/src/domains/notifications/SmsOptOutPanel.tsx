import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Popover, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { hasPermission } from '../../app/auth-api.ts';
import { useMe } from '../../app/AuthProvider.tsx';
import { errorMessage } from '../../app/error-message.ts';
import { smsApi, smsKeys } from './sms-api.ts';
import { formatDateTime } from '../../entity/format-value.ts';

const sources = ['customerRequest', 'smsReply', 'staff', 'consentWithdrawn'];

/** Customer 360, messages tab: whether the customer takes SMS, the opt-out history (time, source) and the switch. */
export function SmsOptOutPanel({ customerId }: { customerId: number }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useMe();
  const queryClient = useQueryClient();
  const [source, setSource] = useState('customerRequest');
  const state = useQuery({ queryKey: smsKeys.optOuts(customerId), queryFn: ({ signal }) => smsApi.optOuts(customerId, signal) });
  const change = useMutation({
    mutationFn: (optedOut: boolean) => smsApi.setOptOut(customerId, optedOut, source),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: smsKeys.optOuts(customerId) }),
    onError: (error) => void message.error(errorMessage(error, t)),
  });
  if (!state.data) return null;
  const latest = state.data.items[0];
  return (
    <Space wrap style={{ marginBottom: 12 }} data-testid="sms-opt-out">
      <Tag color={state.data.optedOut ? 'red' : 'green'}>{state.data.optedOut ? t('sms.optedOut') : t('sms.optedIn')}</Tag>
      {latest ? (
        <Typography.Text type="secondary">
          {formatDateTime(latest.at, undefined, false)} · {t(`sms.source.${latest.source}`)}
        </Typography.Text>
      ) : null}
      {hasPermission(me, 'smsMessage:edit') ? (
        <Popover
          trigger="click"
          content={
            <Space direction="vertical">
              <Select style={{ width: 200 }} value={source} onChange={setSource} options={sources.map((value) => ({ value, label: t(`sms.source.${value}`) }))} />
              <Button size="small" type="primary" loading={change.isPending} onClick={() => change.mutate(!state.data.optedOut)} data-testid="sms-opt-out-confirm">
                {state.data.optedOut ? t('sms.optIn') : t('sms.optOut')}
              </Button>
            </Space>
          }
        >
          <Button size="small" data-testid="sms-opt-out-toggle">{state.data.optedOut ? t('sms.optIn') : t('sms.optOut')}</Button>
        </Popover>
      ) : null}
    </Space>
  );
}
