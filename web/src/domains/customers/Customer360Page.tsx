import { getEntity } from '@insure/model/registry';
import { Card, Col, Row, Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { hasPermission } from '../../app/auth-api.ts';
import { useMe } from '../../app/AuthProvider.tsx';
import { AttachmentList } from '../../entity/AttachmentList.tsx';
import { DetailFields } from '../../entity/DetailFields.tsx';
import type { EntityRow } from '../../entity/entity-api.ts';
import { RecordPage, RecordRoute } from '../../entity/RecordPage.tsx';
import { RecordTable } from '../../entity/RecordTable.tsx';
import '../entity-extensions.tsx';
import { customerEntity } from './customer-api.ts';
import { CustomerSummaryPanel } from './CustomerSummaryPanel.tsx';
import { CustomerTimeline } from './CustomerTimeline.tsx';
import { SmsOptOutPanel } from '../notifications/SmsOptOutPanel.tsx';
import { ProfilePanel } from '../profiles/ProfilePanel.tsx';

/** The customer's records in other modules: tab key (label `customer360.tab.<key>`), module, the field pointing at the customer. */
const recordTabs: { key: string; entity: string; field: string; columns?: string[] }[] = [
  { key: 'policies', entity: 'policy', field: 'applicantId', columns: ['policyNo', 'insuredId', 'productId', 'startDate', 'endDate', 'premium', 'sumInsured'] },
  { key: 'household', entity: 'customerRelation', field: 'customerId', columns: ['relation', 'relatedId', 'note'] },
  { key: 'externalPolicies', entity: 'externalPolicy', field: 'customerId', columns: ['insurer', 'insuranceType', 'sumInsured', 'endDate'] },
  { key: 'insured', entity: 'policy', field: 'insuredId', columns: ['policyNo', 'applicantId', 'productId', 'startDate', 'endDate', 'premium', 'sumInsured'] },
  { key: 'contracts', entity: 'contract', field: 'customerId' },
  { key: 'claims', entity: 'claim', field: 'insuredId', columns: ['claimNo', 'policyId', 'claimType', 'incidentAt', 'requestedAmount', 'paidAmount'] },
  { key: 'signings', entity: 'signing', field: 'customerId', columns: ['signingNo', 'signingDate', 'productId', 'amount', 'sumInsured', 'policyId'] },
  { key: 'interactions', entity: 'interaction', field: 'customerId' },
  { key: 'tickets', entity: 'feedback', field: 'customerId' },
  { key: 'surveys', entity: 'survey', field: 'customerId', columns: ['templateId', 'trigger', 'sentAt', 'answeredAt', 'csat', 'nps'] },
  { key: 'opportunities', entity: 'opportunity', field: 'customerId' },
  { key: 'messages', entity: 'smsMessage', field: 'customerId' },
];

function CustomerSections({ row }: { row: EntityRow }) {
  const { t } = useTranslation();
  const me = useMe();
  const tabs = [
    { key: 'profile', label: t('customer360.tab.profile'), children: <ProfilePanel customerId={row.id} /> },
    ...recordTabs.flatMap((tab) => {
      const entity = getEntity(tab.entity);
      if (!hasPermission(me, `${entity.name}:view`)) return [];
      return [
        {
          key: tab.key,
          label: t(`customer360.tab.${tab.key}`),
          children: (
            <>
              {tab.key === 'messages' ? <SmsOptOutPanel customerId={row.id} /> : null}
              <RecordTable entity={entity} filters={{ [tab.field]: [row.id] }} omit={[tab.field]} fields={tab.columns} testId={`customer-${tab.key}`} />
            </>
          ),
        },
      ];
    }),
    ...(customerEntity.attachments ? [{ key: 'attachments', label: t('customer360.tab.attachments'), children: <AttachmentList entity={customerEntity} row={row} /> }] : []),
    { key: 'timeline', label: t('customer360.tab.timeline'), children: <CustomerTimeline customerId={row.id} /> },
  ];
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={9}>
        <Card size="small" title={t('customer360.profile')}>
          <DetailFields entity={customerEntity} row={row} columns={1} />
        </Card>
      </Col>
      <Col xs={24} xl={15}>
        <Card size="small">
          <Tabs destroyOnHidden items={tabs.map((tab) => ({ ...tab, label: <span data-testid={`tab-${tab.key}`}>{tab.label}</span> }))} />
        </Card>
      </Col>
    </Row>
  );
}

/** /customers/:id — the customer 360: profile, figures, every related record and a merged timeline. */
export function Customer360Page() {
  return (
    <RecordRoute
      render={(id) => (
        <RecordPage key={id} entity={customerEntity} id={id} testId="customer-360-page" summary={() => <CustomerSummaryPanel customerId={id} />}>
          {(row) => <CustomerSections row={row} />}
        </RecordPage>
      )}
    />
  );
}
