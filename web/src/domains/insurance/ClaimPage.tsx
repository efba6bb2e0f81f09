import { Alert, Card, Col, Row, Statistic, Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { labelOf } from '../../app/i18n.ts';
import { AttachmentList } from '../../entity/AttachmentList.tsx';
import { DetailFields } from '../../entity/DetailFields.tsx';
import type { EntityRow } from '../../entity/entity-api.ts';
import { FieldValue } from '../../entity/FieldValue.tsx';
import { formatDateTime, formatMoney } from '../../entity/format-value.ts';
import { HistoryTimeline } from '../../entity/HistoryTimeline.tsx';
import { RecordPage, RecordRoute } from '../../entity/RecordPage.tsx';
import { WorkflowTimeline } from '../../entity/workflow/WorkflowTimeline.tsx';
import '../entity-extensions.tsx';
import { claimEntity } from './insurance-api.ts';

const amount = (value: unknown, locale: string) => (typeof value === 'number' ? formatMoney(value, locale) : '-');

/** Requested / approved / paid, the policy and the handling target, above everything else. */
function ClaimFigures({ row }: { row: EntityRow }) {
  const { t, i18n } = useTranslation();
  const due = typeof row.dueAt === 'string' ? formatDateTime(row.dueAt) : undefined;
  return (
    <>
      {row.overdue === true && (
        <Alert type="error" showIcon style={{ marginBottom: 12 }} title={due ? t('claimPage.overdueSince', { due }) : t('list.overdueHint')} data-testid="claim-overdue" />
      )}
      <Row gutter={[16, 12]} className="stat-grid" data-testid="claim-amounts">
        <Col xs={12} md={6}>
          <Statistic title={t('claimPage.requested')} value={amount(row.requestedAmount, i18n.language)} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('claimPage.approved')} value={amount(row.approvedAmount, i18n.language)} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('claimPage.paid')} value={amount(row.paidAmount, i18n.language)} styles={{ content: { color: typeof row.paidAmount === 'number' ? 'var(--ant-color-success)' : undefined } }} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic
            title={labelOf(claimEntity.fields.policyId!.label, i18n.language)}
            valueRender={() => <FieldValue field={claimEntity.fields.policyId!} name="policyId" row={row} asLink />}
          />
        </Col>
      </Row>
    </>
  );
}

function ClaimSections({ row }: { row: EntityRow }) {
  const { t } = useTranslation();
  const tabs = [
    { key: 'fields', label: t('detail.fields'), children: <DetailFields entity={claimEntity} row={row} /> },
    ...(claimEntity.attachments ? [{ key: 'attachments', label: t('claimPage.documents'), children: <AttachmentList entity={claimEntity} row={row} /> }] : []),
    { key: 'history', label: t('detail.history'), children: <HistoryTimeline entity={claimEntity} id={row.id} /> },
  ];
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={10}>
        <Card size="small" title={t('claimPage.progress')}>
          <WorkflowTimeline entity={claimEntity} id={row.id} />
        </Card>
      </Col>
      <Col xs={24} xl={14}>
        <Card size="small">
          <Tabs items={tabs.map((tab) => ({ ...tab, label: <span data-testid={`tab-${tab.key}`}>{tab.label}</span> }))} />
        </Card>
      </Col>
    </Row>
  );
}

/** /claims/:id — amounts, the policy, workflow moves and the claim's timeline first. */
export function ClaimPage() {
  return (
    <RecordRoute
      render={(id) => (
        <RecordPage key={id} entity={claimEntity} id={id} testId="claim-page" summary={(row) => <ClaimFigures row={row} />}>
          {(row) => <ClaimSections row={row} />}
        </RecordPage>
      )}
    />
  );
}
