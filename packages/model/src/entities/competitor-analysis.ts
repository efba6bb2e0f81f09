import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';
import { insuranceTypes } from '../enums/insurance.ts';

export const competitionAnalysisTypes = [
  { value: 'peer', label: { zh: '同行分析', en: 'Peer analysis' } },
  { value: 'market', label: { zh: '市场分析', en: 'Market analysis' } },
  { value: 'industry', label: { zh: '行业分析', en: 'Industry analysis' } },
  { value: 'product', label: { zh: '竞争产品分析', en: 'Competing products' } },
  { value: 'advantage', label: { zh: '竞争优势分析', en: 'Competitive advantages' } },
];

export const competitorAnalysis = defineEntity({
  name: 'competitorAnalysis',
  plural: 'competitor-analyses',
  label: { zh: '竞争分析', en: 'Competition analysis' },
  group: 'sales',
  codePrefix: 'CMP',
  titleField: 'title',
  hasSortIndex: true,
  fields: {
    title: f.text({ zh: '标题', en: 'Title' }, { required: true, max: 100, list: true, search: true }),
    analysisType: f.enum({ zh: '分析类型', en: 'Type' }, competitionAnalysisTypes, { required: true, list: true, filter: true }),
    competitorId: f.ref({ zh: '竞争对手', en: 'Competitor company' }, 'competitor', { list: true, filter: true }),
    competitor: f.text({ zh: '竞争公司', en: 'Competitor (text)' }, { max: 100, filter: true, search: true }),
    competitorProduct: f.text({ zh: '竞品名称', en: 'Competing product' }, { max: 100, list: true }),
    insuranceType: f.enum({ zh: '险种', en: 'Insurance type' }, insuranceTypes, { list: true, filter: true }),
    price: f.money({ zh: '价格', en: 'Price' }, { list: true }),
    ourProductId: f.ref({ zh: '对标我方产品', en: 'Our product' }, 'product', { filter: true }),
    coverage: f.textarea({ zh: '保障内容', en: 'Coverage' }, { max: 4000 }),
    content: f.textarea({ zh: '分析内容', en: 'Analysis' }, { max: 8000 }),
    advantages: f.textarea({ zh: '竞争优势', en: 'Advantages' }, { max: 4000 }),
  },
});
