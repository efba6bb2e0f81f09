import { defineEntity } from '../entity.ts';
import { policyWorkflow } from '../enums/workflows.ts';
import { f } from '../field.ts';
import { insuranceTypes, paymentFrequencies, policyStatuses } from '../enums/insurance.ts';
import { salesChannels } from '../enums/sales.ts';

export const policy = defineEntity({
  name: 'policy',
  plural: 'policies',
  label: { zh: '保单管理', en: 'Policies' },
  group: 'insurance',
  codePrefix: 'POL',
  importable: true,
  workflow: policyWorkflow,
  titleField: 'policyNo',
  statuses: policyStatuses,
  pickableStatus: ['inForce', 'pending'],
  scope: { org: 'orgId', owner: { field: 'salespersonId', actorKey: 'salespersonId' } },
  indexes: [
    // Reports and rankings over a period (docs/reports.md): a year of live policies by start date, read from the
    // index alone (status, type, organisation, salesperson, amounts).
    { name: 'by_start', fields: ['deletedAt', 'startDate', 'status', 'insuranceType', 'orgId', 'salespersonId', 'premium', 'sumInsured', 'renewedFromId', 'applicantId'] },
    // Workbench renewals: in-force policies ending in a window.
    { name: 'by_end', fields: ['deletedAt', 'status', 'endDate', 'orgId', 'salespersonId'] },
    // Claim reports by product type or region read each claim's policy for its type and applicant: from this
    // index, not the wide policy rows (a year of claims by region took 15 s with a cold cache through the table).
    { name: 'claim_lookup', fields: ['id', 'insuranceType', 'applicantId'] },
  ],
  fields: {
    policyNo: f.text({ zh: '保单号', en: 'Policy no.' }, { required: true, unique: true, max: 40, list: true, filter: true, search: true }),
    applicantId: f.ref({ zh: '投保人', en: 'Applicant' }, 'customer', { required: true, list: true, filter: true }),
    insuredId: f.ref({ zh: '被保险人', en: 'Insured' }, 'customer', { list: true, filter: true }),
    productId: f.ref({ zh: '保险产品', en: 'Product' }, 'product', { required: true, list: true, filter: true }),
    insuranceType: f.enum({ zh: '保险险种', en: 'Insurance type' }, insuranceTypes, { required: true, list: true, filter: true }),
    startDate: f.date({ zh: '保险起期', en: 'Start date' }, { required: true, list: true, filter: true, sortable: true }),
    endDate: f.date({ zh: '保险止期', en: 'End date' }, { list: true, filter: true, sortable: true }),
    premium: f.money({ zh: '保险费用', en: 'Premium' }, { required: true, list: true, filter: true, sortable: true }),
    sumInsured: f.money({ zh: '保险金额', en: 'Sum insured' }, { required: true, list: true, filter: true, sortable: true }),
    paymentFrequency: f.enum({ zh: '缴费方式', en: 'Payment frequency' }, paymentFrequencies, { filter: true }),
    nextDueDate: f.date({ zh: '下次缴费日', en: 'Next due date' }, { filter: true, sortable: true }),
    coverage: f.textarea({ zh: '保险责任', en: 'Coverage' }, { max: 4000 }),
    salespersonId: f.ref({ zh: '业务员', en: 'Salesperson' }, 'salesperson', { list: true, filter: true }),
    channel: f.enum({ zh: '销售渠道', en: 'Channel' }, salesChannels, { filter: true }),
    // A shared sale: the co-salesperson's share of the premium for commission (the rest is salespersonId's).
    coSalespersonId: f.ref({ zh: '协作业务员', en: 'Co-salesperson' }, 'salesperson', { filter: true }),
    coSharePercent: f.decimal({ zh: '协作分成(%)', en: 'Co-salesperson share (%)' }, { min: 0, max: 100 }),
    orgId: f.ref({ zh: '所属机构', en: 'Organisation' }, 'organisation', { required: true, filter: true }),
    signingId: f.ref({ zh: '来源签单', en: 'Signing' }, 'signing', {}),
    renewedFromId: f.ref({ zh: '续保自', en: 'Renewal of' }, 'policy', {}),
  },
  related: [
    { entity: 'claim', field: 'policyId', label: { zh: '理赔记录', en: 'Claims' } },
    { entity: 'contract', field: 'policyId', label: { zh: '保险合同', en: 'Contracts' } },
  ],
});
