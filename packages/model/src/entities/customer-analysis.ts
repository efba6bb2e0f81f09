import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';

export const analysisDimensions = [
  { value: 'age', label: { zh: '年龄结构', en: 'Age structure' } },
  { value: 'region', label: { zh: '地域分布', en: 'Region' } },
  { value: 'occupation', label: { zh: '职业分布', en: 'Occupation' } },
  { value: 'intent', label: { zh: '购买意愿', en: 'Purchase intent' } },
  { value: 'satisfaction', label: { zh: '满意度', en: 'Satisfaction' } },
  { value: 'value', label: { zh: '价值分层', en: 'Value tiers' } },
];

export const customerAnalysis = defineEntity({
  name: 'customerAnalysis',
  plural: 'customer-analyses',
  label: { zh: '客户分析', en: 'Customer analysis' },
  group: 'customers',
  codePrefix: 'CA',
  titleField: 'title',
  scope: { org: 'orgId' },
  fields: {
    title: f.text({ zh: '分析标题', en: 'Title' }, { required: true, max: 100, list: true, search: true }),
    dimension: f.enum({ zh: '分析维度', en: 'Dimension' }, analysisDimensions, { required: true, list: true, filter: true }),
    periodFrom: f.date({ zh: '期间起', en: 'From' }, { list: true, filter: true }),
    periodTo: f.date({ zh: '期间止', en: 'To' }, { list: true }),
    criteria: f.textarea({ zh: '筛选条件', en: 'Filters' }, { max: 2000 }),
    conclusion: f.textarea({ zh: '分析结论', en: 'Conclusion' }, { max: 8000 }),
    analystId: f.ref({ zh: '分析人', en: 'Analyst' }, 'account', { list: true, filter: true }),
    orgId: f.ref({ zh: '所属机构', en: 'Organisation' }, 'organisation', { required: true, filter: true }),
  },
});
