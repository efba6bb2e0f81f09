import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';
import { surveyStatuses, surveyTriggers } from '../enums/service.ts';

/** One 回访 sent to one customer: answered by staff or through a one-time public link. */
export const survey = defineEntity({
  name: 'survey',
  plural: 'surveys',
  label: { zh: '客户回访', en: 'Customer surveys' },
  group: 'customers',
  codePrefix: 'SV',
  titleField: 'code',
  statuses: surveyStatuses,
  pickableStatus: ['sent', 'answered'],
  scope: { org: 'orgId', owner: { field: 'salespersonId', actorKey: 'salespersonId' } },
  fields: {
    templateId: f.ref({ zh: '回访模板', en: 'Template' }, 'surveyTemplate', { required: true, list: true, filter: true }),
    customerId: f.ref({ zh: '客户', en: 'Customer' }, 'customer', { required: true, list: true, filter: true }),
    trigger: f.enum({ zh: '发送原因', en: 'Sent because' }, surveyTriggers, { readOnly: true, list: true, filter: true }),
    productId: f.ref({ zh: '产品', en: 'Product' }, 'product', { filter: true, refStatuses: ['onSale', 'offSale', 'unreviewed'] }),
    policyId: f.ref({ zh: '保单', en: 'Policy' }, 'policy', { readOnly: true }),
    claimId: f.ref({ zh: '理赔', en: 'Claim' }, 'claim', { readOnly: true }),
    salespersonId: f.ref({ zh: '业务员', en: 'Salesperson' }, 'salesperson', { list: true, filter: true }),
    sentAt: f.datetime({ zh: '发送时间', en: 'Sent at' }, { readOnly: true, list: true, filter: true, sortable: true }),
    linkExpiresAt: f.datetime({ zh: '链接有效期至', en: 'Link expires' }, { readOnly: true }),
    answeredAt: f.datetime({ zh: '回答时间', en: 'Answered at' }, { readOnly: true, list: true, sortable: true }),
    answeredVia: f.enum({ zh: '回答方式', en: 'Answered via' }, [
      { value: 'staff', label: { zh: '坐席代录', en: 'Recorded by staff' } },
      { value: 'link', label: { zh: '客户链接', en: 'Customer link' } },
    ], { readOnly: true, list: true, filter: true }),
    answers: f.textarea({ zh: '答案', en: 'Answers' }, { readOnly: true, max: 8000 }),
    csat: f.decimal({ zh: '满意度(1-5)', en: 'CSAT (1-5)' }, { readOnly: true, list: true, filter: true }),
    nps: f.int({ zh: '推荐值(0-10)', en: 'NPS answer (0-10)' }, { readOnly: true, list: true, filter: true }),
    ticketId: f.ref({ zh: '低分工单', en: 'Low-score ticket' }, 'feedback', { readOnly: true }),
    linkTokenHash: f.text({ zh: '链接令牌摘要', en: 'Link token hash' }, { readOnly: true, hidden: true, unique: true, max: 64 }),
    orgId: f.ref({ zh: '所属机构', en: 'Organisation' }, 'organisation', { required: true, filter: true }),
  },
});
