import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';

export const reportTypes = [
  { value: 'settlement', label: { zh: '结算报表', en: 'Settlement' } },
  { value: 'sales', label: { zh: '销售报表', en: 'Sales' } },
  { value: 'sumInsured', label: { zh: '保险金额报表', en: 'Sum insured' } },
  { value: 'productPurchase', label: { zh: '产品购买情况统计', en: 'Product purchases' } },
  { value: 'policyStatus', label: { zh: '保单状态统计', en: 'Policy status' } },
  { value: 'claims', label: { zh: '理赔情况统计', en: 'Claims' } },
  { value: 'salespersonPerformance', label: { zh: '业务员业绩统计', en: 'Salesperson performance' } },
  { value: 'satisfaction', label: { zh: '客户满意度统计', en: 'Customer satisfaction' } },
];

export const reportDimensions = [
  { value: 'productType', label: { zh: '险种', en: 'Product type' } },
  { value: 'region', label: { zh: '地区', en: 'Region' } },
  { value: 'period', label: { zh: '期间', en: 'Period' } },
  { value: 'org', label: { zh: '机构', en: 'Organisation' } },
  { value: 'salesperson', label: { zh: '业务员', en: 'Salesperson' } },
];

export const reportDefinition = defineEntity({
  name: 'reportDefinition',
  plural: 'report-definitions',
  label: { zh: '报表统计', en: 'Reports' },
  group: 'admin',
  codePrefix: 'RPT',
  titleField: 'name',
  hasSortIndex: true,
  scope: { org: 'orgId', owner: { field: 'ownerId', actorKey: 'accountId' } },
  fields: {
    name: f.text({ zh: '报表名称', en: 'Name' }, { required: true, max: 100, list: true, search: true }),
    reportType: f.enum({ zh: '报表类型', en: 'Report' }, reportTypes, { required: true, list: true, filter: true }),
    dimension: f.enum({ zh: '统计维度', en: 'Dimension' }, reportDimensions, { required: true, list: true, filter: true }),
    periodFrom: f.date({ zh: '期间起', en: 'From' }, { list: true }),
    periodTo: f.date({ zh: '期间止', en: 'To' }, { list: true }),
    description: f.textarea({ zh: '说明', en: 'Description' }, { max: 2000 }),
    ownerId: f.ref({ zh: '创建人', en: 'Owner' }, 'account', { list: true, filter: true }),
    orgId: f.ref({ zh: '所属机构', en: 'Organisation' }, 'organisation', { required: true, filter: true }),
  },
});
