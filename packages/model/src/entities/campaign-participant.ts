import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';

/** A customer invited to a campaign, and whether they came. */
export const campaignParticipant = defineEntity({
  name: 'campaignParticipant',
  plural: 'campaign-participants',
  label: { zh: '活动参与者', en: 'Campaign participants' },
  group: 'sales',
  codePrefix: 'CPP',
  titleField: 'code',
  scope: { org: 'orgId' },
  fields: {
    campaignId: f.ref({ zh: '活动', en: 'Campaign' }, 'campaign', { required: true, list: true, filter: true, refStatuses: ['planned', 'ongoing', 'finished'] }),
    customerId: f.ref({ zh: '客户', en: 'Customer' }, 'customer', { required: true, list: true, filter: true }),
    attended: f.bool({ zh: '已到场', en: 'Attended' }, { list: true, filter: true, defaultValue: false }),
    note: f.text({ zh: '备注', en: 'Note' }, { max: 200 }),
    orgId: f.ref({ zh: '所属机构', en: 'Organisation' }, 'organisation', { required: true, filter: true }),
  },
});
