import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';
import { contactChannels } from '../enums/sales.ts';

export const interactionTypes = [
  { value: 'development', label: { zh: '新客开发', en: 'New-customer development' }, color: 'blue' },
  { value: 'contact', label: { zh: '客户联系', en: 'Contact' }, color: 'cyan' },
  { value: 'care', label: { zh: '客户关怀', en: 'Care' }, color: 'green' },
  { value: 'complaint', label: { zh: '客户投诉', en: 'Complaint' }, color: 'red' },
  { value: 'survey', label: { zh: '满意度调查', en: 'Satisfaction survey' }, color: 'purple' },
];

export const interaction = defineEntity({
  name: 'interaction',
  plural: 'interactions',
  label: { zh: '客户关系管理', en: 'Relationship records' },
  group: 'customers',
  codePrefix: 'REL',
  titleField: 'subject',
  scope: { org: 'orgId', owner: { field: 'ownerId', actorKey: 'salespersonId' } },
  indexes: [
    // Workbench: follow-ups due (not yet followed up, next date within the week).
    { name: 'follow_ups', fields: ['deletedAt', 'followedUpAt', 'nextFollowUpDate', 'orgId', 'ownerId'] },
  ],
  fields: {
    subject: f.text({ zh: '主题', en: 'Subject' }, { required: true, max: 100, list: true, search: true }),
    customerId: f.ref({ zh: '客户', en: 'Customer' }, 'customer', { required: true, list: true, filter: true }),
    type: f.enum({ zh: '记录类型', en: 'Type' }, interactionTypes, { required: true, list: true, filter: true }),
    occurredAt: f.datetime({ zh: '发生时间', en: 'Time' }, { required: true, list: true, filter: true, sortable: true }),
    channel: f.enum({ zh: '渠道', en: 'Channel' }, contactChannels, { list: true, filter: true }),
    content: f.textarea({ zh: '内容', en: 'Content' }, { max: 4000 }),
    result: f.textarea({ zh: '结果', en: 'Result' }, { max: 2000 }),
    nextFollowUpDate: f.date({ zh: '下次跟进日期', en: 'Next follow-up' }, { list: true, filter: true, sortable: true }),
    followedUpAt: f.datetime({ zh: '已跟进时间', en: 'Followed up at' }, { readOnly: true, list: true, filter: true, help: { zh: '同一客户记下一条新记录时自动填写', en: 'Set when a later record for the same customer is written' } }),
    opportunityId: f.ref({ zh: '销售机会', en: 'Opportunity' }, 'opportunity', { filter: true }),
    ownerId: f.ref({ zh: '记录人', en: 'By' }, 'salesperson', { list: true, filter: true }),
    orgId: f.ref({ zh: '所属机构', en: 'Organisation' }, 'organisation', { required: true, filter: true }),
  },
});
