import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';
import { insuranceTypes, productStatuses } from '../enums/insurance.ts';
import { qualificationTypes } from '../enums/service.ts';

export const product = defineEntity({
  name: 'product',
  plural: 'products',
  label: { zh: '产品管理', en: 'Products' },
  group: 'insurance',
  codePrefix: 'PRD',
  importable: true,
  titleField: 'name',
  hasSortIndex: true,
  statuses: productStatuses,
  pickableStatus: ['onSale'],
  fields: {
    name: f.text({ zh: '产品名称', en: 'Name' }, { required: true, unique: true, max: 100, list: true, filter: true, search: true, sortable: true }),
    insuranceType: f.enum({ zh: '险种', en: 'Insurance type' }, insuranceTypes, { required: true, list: true, filter: true }),
    insurer: f.text({ zh: '保险公司', en: 'Insurer' }, { required: true, max: 100, list: true, filter: true }),
    insurancePeriod: f.text({ zh: '保险期间', en: 'Insurance period' }, { max: 50, list: true }),
    sumInsuredMin: f.money({ zh: '最低保额', en: 'Min sum insured' }, { list: true }),
    sumInsuredMax: f.money({ zh: '最高保额', en: 'Max sum insured' }, { list: true }),
    minAge: f.int({ zh: '最低投保年龄', en: 'Min age' }, { max: 120, list: true, example: '0' }),
    maxAge: f.int({ zh: '最高投保年龄', en: 'Max age' }, { max: 120, list: true, example: '65' }),
    basePremium: f.money({ zh: '基础保费', en: 'Base premium' }, { list: true, sortable: true, filter: true }),
    requiredQualification: f.enum({ zh: '销售资质要求', en: 'Required qualification' }, qualificationTypes, { filter: true, help: { zh: '签单业务员须持有该有效资质', en: 'The salesperson of a signing must hold this qualification, valid on the signing date' } }),
    pricing: f.textarea({ zh: '定价方式', en: 'Pricing' }, { max: 1000 }),
    coverage: f.textarea({ zh: '保险责任', en: 'Coverage' }, { max: 4000 }),
    claimInstructions: f.textarea({ zh: '理赔说明', en: 'Claim instructions' }, { max: 4000 }),
    rules: f.textarea({ zh: '保险规则', en: 'Rules' }, { max: 4000 }),
  },
});
