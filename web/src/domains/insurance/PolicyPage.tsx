import { getEntity } from '@insure/model/registry';
import { Card, Col, Descriptions, Row, Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { hasPermission } from '../../app/auth-api.ts';
import { useMe } from '../../app/AuthProvider.tsx';
import { DetailFields } from '../../entity/DetailFields.tsx';
import type { EntityRow } from '../../entity/entity-api.ts';
import { FieldValue } from '../../entity/FieldValue.tsx';
import { HistoryTimeline } from '../../entity/HistoryTimeline.tsx';
import { RecordPage, RecordRoute } from '../../entity/RecordPage.tsx';
import { RecordTable } from '../../entity/RecordTable.tsx';
import { WorkflowTimeline } from '../../entity/workflow/WorkflowTimeline.tsx';
import { ClaimSummaryCard } from './ClaimSummaryCard.tsx';
import { claimEntity, policyEntity } from './insurance-api.ts';
import { RenewButton } from './RenewButton.tsx';
import '../entity-extensions.tsx';

const contractEntity = getEntity('contract');

/** 续保链: the policy this one renews, and the policies renewing it. */
function RenewalChain({ row }: { row: EntityRow }) {
  const { t } = useTranslation();
  const field = policyEntity.fields.renewedFromId!;
  return (
    <>
      <Descriptions
        size="small"
        bordered
        column={1}
        style={{ marginBottom: 12 }}
        items={[{ key: 'from', label: t('policyPage.renewalOf'), children: <FieldValue field={field} name="renewedFromId" row={row} asLink /> }]}
      />
      <RecordTable
        entity={policyEntity}
        filters={{ renewedFromId: [row.id] }}
        fields={['policyNo', 'startDate', 'endDate', 'premium', 'sumInsured']}
        testId="renewed-by"
        empty={t('policyPage.notRenewed')}
      />
    </>
  );
}

function PolicySections({ row }: { row: EntityRow }) {
  const { t } = useTranslation();
  const me = useMe();
  const may = (entity: string) => hasPermission(me, `${entity}:view`);
  const tabs = [
    { key: 'fields', label: t('detail.fields'), children: <DetailFields entity={policyEntity} row={row} /> },
    ...(may('contract') ? [{ key: 'contracts', label: t('policyPage.contracts'), children: <RecordTable entity={contractEntity} filters={{ policyId: [row.id] }} omit={['policyId']} /> }] : []),
    ...(may('claim') ? [{ key: 'claims', label: t('policyPage.claims'), children: <RecordTable entity={claimEntity} filters={{ policyId: [row.id] }} fields={['claimNo', 'claimType', 'incidentAt', 'requestedAmount', 'approvedAmount', 'paidAmount']} /> }] : []),
    { key: 'renewals', label: t('policyPage.renewalChain'), children: <RenewalChain row={row} /> },
    { key: 'history', label: t('detail.history'), children: <HistoryTimeline entity={policyEntity} id={row.id} /> },
  ];
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={16}>
        <Card size="small">
          <Tabs items={tabs.map((tab) => ({ ...tab, label: <span data-testid={`tab-${tab.key}`}>{tab.label}</span> }))} />
        </Card>
      </Col>
      <Col xs={24} xl={8}>
        <Row gutter={[16, 16]}>
          {may('claim') && (
            <Col span={24}>
              <ClaimSummaryCard policyId={row.id} />
            </Col>
          )}
          <Col span={24}>
            <Card size="small" title={t('workflow.timeline')}>
              <WorkflowTimeline entity={policyEntity} id={row.id} />
            </Card>
          </Col>
        </Row>
      </Col>
    </Row>
  );
}

/** /policies/:id — the policy, its claim situation, contracts, claims, renewal chain, moves and timeline. */
export function PolicyPage() {
  return (
    <RecordRoute
      render={(id) => (
        <RecordPage key={id} entity={policyEntity} id={id} testId="policy-page" actions={(row) => <RenewButton row={row} />}>
          {(row) => <PolicySections row={row} />}
        </RecordPage>
      )}
    />
  );
}
