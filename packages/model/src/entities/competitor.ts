import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';
import { competitorTypes } from '../enums/sales.ts';

/** Competing companies: named on lost opportunities and in product comparisons, rolled up in the competitor report. */
export const competitor = defineEntity({
  name: 'competitor',
  plural: 'competitors',
  label: { zh: '竞争对手', en: 'Competitors' },
  group: 'sales',
  codePrefix: 'CPT',
  titleField: 'name',
  fields: {
    name: f.text({ zh: '公司名称', en: 'Company' }, { required: true, unique: true, max: 100, list: true, filter: true, search: true }),
    type: f.enum({ zh: '类型', en: 'Type' }, competitorTypes, { list: true, filter: true }),
    strengths: f.textarea({ zh: '优势', en: 'Strengths' }, { max: 2000 }),
    weaknesses: f.textarea({ zh: '劣势', en: 'Weaknesses' }, { max: 2000 }),
    website: f.text({ zh: '网址', en: 'Website' }, { max: 200 }),
    remarks: f.textarea({ zh: '备注', en: 'Remarks' }, { max: 1000 }),
  },
  related: [
    { entity: 'competitorAnalysis', field: 'competitorId', label: { zh: '竞品对比', en: 'Product comparisons' } },
    { entity: 'opportunity', field: 'competitorId', label: { zh: '相关销售机会', en: 'Opportunities' } },
  ],
});
