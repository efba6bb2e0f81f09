import { defineEntity } from '../entity.ts';
import { ticketWorkflow } from '../enums/workflows.ts';
import { f } from '../field.ts';
import { priorities } from '../enums/sales.ts';

export const feedbackTypes = [
  { value: 'feedback', label: { zh: '意见反馈', en: 'Feedback' } },
  { value: 'complaint', label: { zh: '投诉', en: 'Complaint' }, color: 'red' },
  { value: 'suggestion', label: { zh: '建议', en: 'Suggestion' }, color: 'blue' },
  { value: 'praise', label: { zh: '表扬', en: 'Praise' }, color: 'green' },
];

export const ticketStatuses = [
  { value: 'new', label: { zh: '新建', en: 'New' }, color: 'blue' },
  { value: 'assigned', label: { zh: '已分派', en: 'Assigned' }, color: 'cyan' },
  { value: 'inProgress', label: { zh: '处理中', en: 'In progress' }, color: 'processing' },
  { value: 'resolved', label: { zh: '已解决', en: 'Resolved' }, color: 'green' },
  { value: 'closed', label: { zh: '已关闭', en: 'Closed' }, color: 'default' },
];

export const feedback = defineEntity({
  name: 'feedback',
  plural: 'feedback',
  label: { zh: '客户评价管理', en: 'Reviews & tickets' },
  group: 'customers',
  codePrefix: 'FB',
  workflow: ticketWorkflow,
  titleField: 'subject',
  statuses: ticketStatuses,
  pickableStatus: ['new', 'assigned', 'inProgress', 'resolved', 'closed'],
  scope: { org: 'orgId', owner: { field: 'salespersonId', actorKey: 'salespersonId' } },
  fields: {
    subject: f.text({ zh: '主题', en: 'Subject' }, { required: true, max: 100, list: true, search: true }),
    customerId: f.ref({ zh: '客户', en: 'Customer' }, 'customer', { required: true, list: true, filter: true }),
    type: f.enum({ zh: '类型', en: 'Type' }, feedbackTypes, { required: true, list: true, filter: true }),
    priority: f.enum({ zh: '优先级', en: 'Priority' }, priorities, { defaultValue: 'normal', list: true, filter: true }),
    content: f.textarea({ zh: '客户反馈信息', en: 'Feedback' }, { required: true, max: 4000 }),
    satisfaction: f.int({ zh: '满意度评价', en: 'Satisfaction (1-5)' }, { min: 1, max: 5, list: true, filter: true }),
    suggestions: f.textarea({ zh: '建议与意见', en: 'Suggestions' }, { max: 2000 }),
    handlingRecord: f.textarea({ zh: '投诉处理记录', en: 'Handling record' }, { max: 4000 }),
    handlingResult: f.textarea({ zh: '处理结果', en: 'Handling result' }, { max: 2000 }),
    productId: f.ref({ zh: '相关产品', en: 'Product' }, 'product', { filter: true }),
    assigneeId: f.ref({ zh: '处理人', en: 'Assignee' }, 'account', { list: true, filter: true }),
    teamId: f.ref({ zh: '处理团队', en: 'Team' }, 'organisation', { filter: true }),
    responseDueAt: f.datetime({ zh: '响应时限', en: 'Response due' }, { readOnly: true, list: true, sortable: true }),
    resolutionDueAt: f.datetime({ zh: '解决时限', en: 'Resolution due' }, { readOnly: true, list: true, sortable: true }),
    respondedAt: f.datetime({ zh: '响应时间', en: 'Responded at' }, { readOnly: true }),
    resolvedAt: f.datetime({ zh: '解决时间', en: 'Resolved at' }, { readOnly: true }),
    escalatedAt: f.datetime({ zh: '升级时间', en: 'Escalated at' }, { readOnly: true, filter: true }),
    escalatedToId: f.ref({ zh: '升级至', en: 'Escalated to' }, 'account', { readOnly: true }),
    escalatedFor: f.enum({ zh: '升级原因', en: 'Escalated for' }, [
      { value: 'response', label: { zh: '响应超时', en: 'Response target missed' }, color: 'orange' },
      { value: 'resolution', label: { zh: '解决超时', en: 'Resolution target missed' }, color: 'red' },
    ], { readOnly: true, filter: true }),
    salespersonId: f.ref({ zh: '业务员', en: 'Salesperson' }, 'salesperson', { filter: true }),
    orgId: f.ref({ zh: '所属机构', en: 'Organisation' }, 'organisation', { required: true, filter: true }),
  },
});
