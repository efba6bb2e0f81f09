import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';
import { customerSources } from '../enums/common.ts';
import { attentionLevels, opportunityStages } from '../enums/sales.ts';

export const opportunity = defineEntity({
  name: 'opportunity',
  plural: 'opportunities',
  label: { zh: '销售机会管理', en: 'Opportunities' },
  group: 'sales',
  codePrefix: 'OPP',
  titleField: 'title',
  scope: { org: 'orgId', owner: { field: 'ownerId', actorKey: 'salespersonId' } },
  fields: {
    title: f.text({ zh: '机会名称', en: 'Title' }, { required: true, max: 100, list: true, search: true }),
    customerId: f.ref({ zh: '客户', en: 'Customer' }, 'customer', { list: true, filter: true }),
    leadName: f.text({ zh: '潜在客户', en: 'Lead name' }, { max: 50 }),
    productId: f.ref({ zh: '意向产品', en: 'Product interest' }, 'product', { list: true, filter: true }),
    source: f.enum({ zh: '来源', en: 'Source' }, customerSources, { list: true, filter: true }),
    attention: f.enum({ zh: '关注度', en: 'Attention' }, attentionLevels, { list: true, filter: true }),
    stage: f.enum({ zh: '阶段', en: 'Stage' }, opportunityStages, { required: true, defaultValue: 'lead', list: true, filter: true }),
    probability: f.int({ zh: '赢单概率(%)', en: 'Win probability (%)' }, { max: 100, list: true }),
    expectedAmount: f.money({ zh: '预计金额', en: 'Expected amount' }, { list: true, filter: true, sortable: true }),
    expectedCloseDate: f.date({ zh: '预计成交日期', en: 'Expected close' }, { list: true, filter: true, sortable: true }),
    lostReason: f.textarea({ zh: '输单原因', en: 'Lost reason' }, { max: 1000 }),
    ownerId: f.ref({ zh: '负责人', en: 'Owner' }, 'salesperson', { list: true, filter: true }),
    orgId: f.ref({ zh: '所属机构', en: 'Organisation' }, 'organisation', { required: true, filter: true }),
  },
});
