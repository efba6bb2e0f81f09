import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';
import { customerSources } from '../enums/common.ts';
import { attentionLevels, opportunityStages, winLossReasons } from '../enums/sales.ts';

export const opportunity = defineEntity({
  name: 'opportunity',
  plural: 'opportunities',
  label: { zh: '销售机会管理', en: 'Opportunities' },
  group: 'sales',
  codePrefix: 'OPP',
  titleField: 'title',
  scope: { org: 'orgId', owner: { field: 'ownerId', actorKey: 'salespersonId' } },
  indexes: [
    // Won/lost per period (salesperson performance): read from this index alone instead of a row per opportunity.
    { name: 'by_close', fields: ['expectedCloseDate', 'deletedAt', 'stage', 'orgId', 'ownerId'] },
  ],
  fields: {
    title: f.text({ zh: '机会名称', en: 'Title' }, { required: true, max: 100, list: true, search: true }),
    customerId: f.ref({ zh: '客户', en: 'Customer' }, 'customer', { list: true, filter: true }),
    leadName: f.text({ zh: '潜在客户', en: 'Lead name' }, { max: 50 }),
    productId: f.ref({ zh: '意向产品', en: 'Product interest' }, 'product', { list: true, filter: true }),
    source: f.enum({ zh: '来源', en: 'Source' }, customerSources, { list: true, filter: true }),
    attention: f.enum({ zh: '关注度', en: 'Attention' }, attentionLevels, { list: true, filter: true }),
    stage: f.enum({ zh: '阶段', en: 'Stage' }, opportunityStages, {
      required: true,
      defaultValue: 'lead',
      list: true,
      filter: true,
      help: { zh: '阶段变更请在看板或“推进阶段”中操作', en: 'Change the stage on the kanban or with “Move stage”' },
    }),
    probability: f.int({ zh: '赢单概率(%)', en: 'Win probability (%)' }, { max: 100, list: true, help: { zh: '留空则取阶段默认概率', en: 'Empty: the stage’s probability' } }),
    expectedAmount: f.money({ zh: '预计金额', en: 'Expected amount' }, { list: true, filter: true, sortable: true }),
    expectedCloseDate: f.date({ zh: '预计成交日期', en: 'Expected close' }, { list: true, filter: true, sortable: true }),
    lostReason: f.textarea({ zh: '输单原因', en: 'Lost reason' }, { max: 1000 }),
    outcomeReason: f.enum({ zh: '赢/输单主因', en: 'Main win/loss reason' }, winLossReasons, { list: true, filter: true }),
    competitorId: f.ref({ zh: '竞争对手', en: 'Competitor' }, 'competitor', { list: true, filter: true }),
    lostFromStage: f.enum({ zh: '输单前阶段', en: 'Lost at stage' }, opportunityStages, { readOnly: true }),
    closedAt: f.date({ zh: '成交/输单日期', en: 'Closed on' }, { readOnly: true, list: true, filter: true, sortable: true }),
    ownerId: f.ref({ zh: '负责人', en: 'Owner' }, 'salesperson', { list: true, filter: true }),
    orgId: f.ref({ zh: '所属机构', en: 'Organisation' }, 'organisation', { required: true, filter: true }),
  },
  related: [{ entity: 'interaction', field: 'opportunityId', label: { zh: '跟进记录', en: 'Follow-ups' } }],
});
