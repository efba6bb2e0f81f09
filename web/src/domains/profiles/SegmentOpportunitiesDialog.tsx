import { openOpportunityStages, opportunityStages } from '@insure/model/enums/sales';
import { useQueryClient } from '@tanstack/react-query';
import { getEntity } from '@insure/model/registry';
import { Alert, App, Button, DatePicker, Form, Modal, Radio, Select, Space, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useMe } from '../../app/AuthProvider.tsx';
import { hasPermission } from '../../app/auth-api.ts';
import { errorMessage } from '../../app/error-message.ts';
import { labelOf } from '../../app/i18n.ts';
import type { RowActionProps } from '../../entity/entity-extensions.ts';
import { entityQueryKey } from '../../entity/entity-query-keys.ts';
import { RefSelect } from '../../entity/RefSelect.tsx';
import { profileApi, type SegmentOpportunitiesInput, type SegmentOpportunitiesResult } from './profile-api.ts';

type Owner = SegmentOpportunitiesInput['owner'];

/**
 * 按分群批量创建销售机会: product, stage and owner rule, then the count (a dry run on the server) to confirm,
 * then the opportunities and what was skipped and why.
 */
export function SegmentOpportunitiesDialog({ segmentId, segmentName, open, onClose }: { segmentId: number; segmentName: string; open: boolean; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const me = useMe();
  const queryClient = useQueryClient();
  const [productId, setProductId] = useState<number | null>(null);
  const [stage, setStage] = useState<string>('lead');
  const [owner, setOwner] = useState<Owner>('customerOwner');
  const [ownerId, setOwnerId] = useState<number | null>(null);
  const [closeDate, setCloseDate] = useState<Dayjs | null>(null);
  const [counted, setCounted] = useState<SegmentOpportunitiesResult | null>(null);
  const [done, setDone] = useState<SegmentOpportunitiesResult | null>(null);
  const [busy, setBusy] = useState(false);

  const input = (dryRun: boolean): SegmentOpportunitiesInput => ({
    productId: productId!,
    stage,
    owner,
    ...(owner === 'salesperson' && ownerId ? { ownerId } : {}),
    ...(closeDate ? { expectedCloseDate: closeDate.format('YYYY-MM-DD') } : {}),
    dryRun,
  });
  // Any change to the choices asks for a new count before creating.
  const changed = <T,>(set: (value: T) => void) => (value: T) => {
    set(value);
    setCounted(null);
    setDone(null);
  };
  const run = async (dryRun: boolean) => {
    setBusy(true);
    try {
      const result = await profileApi.opportunities(segmentId, input(dryRun));
      if (dryRun) setCounted(result);
      else {
        setDone(result);
        setCounted(null);
        await queryClient.invalidateQueries({ queryKey: entityQueryKey(getEntity('opportunity')) });
      }
    } catch (error) {
      message.error(errorMessage(error, t));
    } finally {
      setBusy(false);
    }
  };
  const reasons = (result: SegmentOpportunitiesResult) =>
    Object.entries(result.skippedByReason)
      .filter(([, n]) => n > 0)
      .map(([reason, n]) => t(`segmentOpportunities.reason.${reason}`, { count: n }))
      .join(t('segmentOpportunities.separator'));

  return (
    <Modal
      open={open}
      title={t('segmentOpportunities.title', { name: segmentName })}
      onCancel={onClose}
      destroyOnHidden
      footer={
        <Space>
          <Button onClick={onClose}>{t('segmentOpportunities.close')}</Button>
          <Button disabled={!productId || (owner === 'salesperson' && !ownerId)} loading={busy && !counted} onClick={() => void run(true)} data-testid="segment-opportunities-count">
            {t('segmentOpportunities.count')}
          </Button>
          <Button type="primary" danger={false} disabled={!counted || counted.created === 0} loading={busy && !!counted} onClick={() => void run(false)} data-testid="segment-opportunities-create">
            {t('segmentOpportunities.create', { count: counted?.created ?? 0 })}
          </Button>
        </Space>
      }
    >
      <Form layout="vertical">
        <Form.Item label={t('segmentOpportunities.product')} required>
          <RefSelect target="product" value={productId} onChange={(value) => changed(setProductId)(typeof value === 'number' ? value : null)} testId="segment-opportunities-product" />
        </Form.Item>
        <Form.Item label={t('segmentOpportunities.stage')}>
          <Select
            value={stage}
            onChange={changed(setStage)}
            options={opportunityStages.filter((option) => (openOpportunityStages as readonly string[]).includes(option.value)).map((option) => ({ value: option.value, label: labelOf(option.label, i18n.language) }))}
            data-testid="segment-opportunities-stage"
          />
        </Form.Item>
        <Form.Item label={t('segmentOpportunities.owner')}>
          <Radio.Group value={owner} onChange={(event) => changed(setOwner)(event.target.value as Owner)} data-testid="segment-opportunities-owner">
            <Radio value="customerOwner">{t('segmentOpportunities.ownerRule.customerOwner')}</Radio>
            {me.salespersonId ? <Radio value="me">{t('segmentOpportunities.ownerRule.me')}</Radio> : null}
            <Radio value="salesperson">{t('segmentOpportunities.ownerRule.salesperson')}</Radio>
          </Radio.Group>
        </Form.Item>
        {owner === 'salesperson' && (
          <Form.Item label={t('segmentOpportunities.salesperson')} required>
            <RefSelect target="salesperson" value={ownerId} onChange={(value) => changed(setOwnerId)(typeof value === 'number' ? value : null)} testId="segment-opportunities-salesperson" />
          </Form.Item>
        )}
        <Form.Item label={t('segmentOpportunities.expectedClose')}>
          <DatePicker value={closeDate} onChange={changed(setCloseDate)} />
        </Form.Item>
      </Form>
      <Typography.Paragraph type="secondary">{t('segmentOpportunities.explain')}</Typography.Paragraph>
      {counted && (
        <Alert
          type={counted.created ? 'info' : 'warning'}
          showIcon
          title={t('segmentOpportunities.counted', { members: counted.members, created: counted.created, skipped: counted.skipped })}
          description={counted.skipped ? reasons(counted) : undefined}
          data-testid="segment-opportunities-counted"
        />
      )}
      {done && (
        <Alert
          type="success"
          showIcon
          title={t('segmentOpportunities.done', { created: done.created, skipped: done.skipped })}
          description={
            <Space orientation="vertical">
              {done.skipped ? <span>{reasons(done)}</span> : null}
              {hasPermission(me, 'opportunity:view') && <Link to="/m/opportunities">{t('segmentOpportunities.openList')}</Link>}
            </Space>
          }
          data-testid="segment-opportunities-done"
        />
      )}
    </Modal>
  );
}

/** Row action of the saved segments list. */
export function SegmentOpportunitiesAction({ row }: RowActionProps) {
  const { t } = useTranslation();
  const me = useMe();
  const [open, setOpen] = useState(false);
  if (!hasPermission(me, 'opportunity:create')) return null;
  return (
    <>
      <Button type="link" size="small" onClick={() => setOpen(true)} data-testid="segment-opportunities">
        {t('segmentOpportunities.action')}
      </Button>
      {open && <SegmentOpportunitiesDialog segmentId={Number(row.id)} segmentName={String(row.name ?? '')} open onClose={() => setOpen(false)} />}
    </>
  );
}

/** Row action of the saved segments list: open the segment in the builder. */
export function EditSegmentAction({ row }: RowActionProps) {
  const { t } = useTranslation();
  return (
    <Link to={`/segments/builder?id=${Number(row.id)}`} data-testid="segment-open-builder">
      {t('segment.openInBuilder')}
    </Link>
  );
}
