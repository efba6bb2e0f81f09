import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';

export const campaignStatuses = [
  { value: 'planned', label: { zh: '计划中', en: 'Planned' }, color: 'blue' },
  { value: 'ongoing', label: { zh: '进行中', en: 'Ongoing' }, color: 'processing' },
  { value: 'finished', label: { zh: '已结束', en: 'Finished' }, color: 'green' },
  { value: 'cancelled', label: { zh: '已取消', en: 'Cancelled' }, color: 'default' },
];

export const campaign = defineEntity({
  name: 'campaign',
  plural: 'campaigns',
  label: { zh: '活动管理', en: 'Marketing activities' },
  group: 'sales',
  codePrefix: 'ACT',
  titleField: 'name',
  hasSortIndex: true,
  statuses: campaignStatuses,
  pickableStatus: ['planned', 'ongoing', 'finished'],
  scope: { org: 'orgId' },
  fields: {
    name: f.text({ zh: '营销活动计划', en: 'Campaign plan' }, { required: true, max: 100, list: true, search: true }),
    organiserId: f.ref({ zh: '活动组织者', en: 'Organiser' }, 'account', { list: true, filter: true }),
    startAt: f.datetime({ zh: '开始时间', en: 'Starts' }, { required: true, list: true, filter: true, sortable: true }),
    endAt: f.datetime({ zh: '结束时间', en: 'Ends' }, { list: true }),
    location: f.text({ zh: '活动地点', en: 'Location' }, { max: 200, list: true }),
    audience: f.textarea({ zh: '活动对象', en: 'Audience' }, { max: 1000 }),
    audienceGroupId: f.ref({ zh: '目标客户分组', en: 'Target customer group' }, 'customerGroup', { filter: true }),
    attributionDays: f.int({ zh: '归因窗口(天)', en: 'Attribution window (days)' }, { min: 1, max: 365, defaultValue: 30, help: { zh: '参与者在活动开始后这些天内产生的线索、机会、签单与保费计入本活动', en: 'Leads, opportunities, signings and premium of participants within this many days after the start count for the campaign' } }),
    purpose: f.textarea({ zh: '活动目的', en: 'Purpose' }, { max: 1000 }),
    budget: f.money({ zh: '预算', en: 'Budget' }, { list: true }),
    cost: f.money({ zh: '活动费用', en: 'Cost' }, { list: true, sortable: true }),
    results: f.textarea({ zh: '活动成果', en: 'Results' }, { max: 4000 }),
    orgId: f.ref({ zh: '所属机构', en: 'Organisation' }, 'organisation', { required: true, filter: true }),
  },
  related: [{ entity: 'campaignParticipant', field: 'campaignId', label: { zh: '参与客户', en: 'Participants' } }],
});
