import { getEntity } from '@insure/model/registry';
import { SyncOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Card, Col, Descriptions, Row, Tabs, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { hasPermission } from '../../app/auth-api.ts';
import { useMe } from '../../app/AuthProvider.tsx';
import { DetailFields } from '../../entity/DetailFields.tsx';
import { entityApi, type EntityRow } from '../../entity/entity-api.ts';
import { detailPath } from '../../entity/entity-lookup.ts';
import { entityQueryKey } from '../../entity/entity-query-keys.ts';
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

/** Renew, or once renewed, a link to the policy that renews it. */
function RenewAction({ row }: { row: EntityRow }) {
  const { t } = useTranslation();
  const query = { page: 1, pageSize: 1, order: 'desc' as const, filters: { renewedFromId: [row.id] } };
  const renewals = useQuery({ queryKey: [...entityQueryKey(policyEntity, 'related'), query], queryFn: () => entityApi.query(policyEntity, query) });
  const renewal = renewals.data?.items[0];
  if (renewals.isLoading) return null;
  if (renewal) {
    return (
      <Link to={detailPath(policyEntity, renewal.id)} data-testid="renewed-as">
        <Tag color="green" icon={<SyncOutlined />} style={{ marginInlineEnd: 0 }}>
          {t('policyPage.renewedAs', { policyNo: String(renewal.policyNo ?? renewal.code ?? renewal.id) })}
        </Tag>
      </Link>
    );
  }
  return <RenewButton row={row} />;
}

/** /policies/:id — the policy, its claim situation, contracts, claims, renewal chain, moves and timeline. */
export function PolicyPage() {
  return (
    <RecordRoute
      render={(id) => (
        <RecordPage key={id} entity={policyEntity} id={id} testId="policy-page" actions={(row) => <RenewAction row={row} />}>
          {(row) => <PolicySections row={row} />}
        </RecordPage>
      )}
    />
  );
}
