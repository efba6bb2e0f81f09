import { defineEntity } from '../entity.ts';
import { signingWorkflow } from '../enums/workflows.ts';
import { f } from '../field.ts';
import { insuranceTypes, paymentFrequencies, signingStatuses } from '../enums/insurance.ts';

export const signing = defineEntity({
  name: 'signing',
  plural: 'signings',
  label: { zh: '签单管理', en: 'Signings' },
  group: 'insurance',
  codePrefix: 'SGN',
  workflow: signingWorkflow,
  titleField: 'signingNo',
  statuses: signingStatuses,
  pickableStatus: ['approved', 'issued'],
  scope: { org: 'orgId', owner: { field: 'salespersonId', actorKey: 'salespersonId' } },
  fields: {
    signingNo: f.text({ zh: '签单号', en: 'Signing no.' }, { required: true, unique: true, max: 40, list: true, filter: true, search: true }),
    insurer: f.text({ zh: '保险公司', en: 'Insurer' }, { max: 100, list: true, filter: true }),
    signingDate: f.date({ zh: '签单日期', en: 'Signing date' }, { required: true, list: true, filter: true, sortable: true }),
    handlerId: f.ref({ zh: '签单经办人', en: 'Handler' }, 'account', { filter: true }),
    amount: f.money({ zh: '签单金额', en: 'Premium' }, { required: true, list: true, filter: true, sortable: true }),
    sumInsured: f.money({ zh: '保险金额', en: 'Sum insured' }, { required: true, list: true }),
    startDate: f.date({ zh: '保险起期', en: 'Start date' }, { required: true }),
    endDate: f.date({ zh: '保险止期', en: 'End date' }),
    paymentFrequency: f.enum({ zh: '缴费方式', en: 'Payment frequency' }, paymentFrequencies, { defaultValue: 'annual' }),
    insuranceType: f.enum({ zh: '签单险种', en: 'Insurance type' }, insuranceTypes, { list: true, filter: true }),
    productId: f.ref({ zh: '保险产品', en: 'Product' }, 'product', { required: true, list: true, filter: true }),
    customerId: f.ref({ zh: '投保人', en: 'Applicant' }, 'customer', { required: true, list: true, filter: true }),
    insuredId: f.ref({ zh: '被保险人', en: 'Insured' }, 'customer', { filter: true }),
    salespersonId: f.ref({ zh: '签单业务员', en: 'Salesperson' }, 'salesperson', { list: true, filter: true }),
    orgId: f.ref({ zh: '所属机构', en: 'Organisation' }, 'organisation', { required: true, filter: true }),
    remarks: f.textarea({ zh: '签单备注', en: 'Remarks' }, { max: 1000 }),
    policyId: f.ref({ zh: '出具保单', en: 'Issued policy' }, 'policy', { readOnly: true, list: true }),
  },
});
