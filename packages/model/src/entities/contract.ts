import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';
import { contractStatuses } from '../enums/insurance.ts';

export const contract = defineEntity({
  name: 'contract',
  plural: 'contracts',
  label: { zh: '保险合同管理', en: 'Contracts' },
  group: 'insurance',
  codePrefix: 'CON',
  attachments: true,
  titleField: 'name',
  statuses: contractStatuses,
  pickableStatus: ['effective'],
  scope: { org: 'orgId', owner: { field: 'salespersonId', actorKey: 'salespersonId' } },
  related: [{ entity: 'contractAmendment', field: 'contractId', label: { zh: '批改记录', en: 'Amendments' } }],
  fields: {
    contractNo: f.text({ zh: '合同号', en: 'Contract no.' }, { required: true, unique: true, max: 40, list: true, filter: true, search: true }),
    name: f.text({ zh: '合同名称', en: 'Name' }, { required: true, max: 100, list: true, filter: true, search: true }),
    signingDate: f.date({ zh: '签订日期', en: 'Signing date' }, { required: true, list: true, filter: true, sortable: true }),
    validFrom: f.date({ zh: '有效期起', en: 'Valid from' }, { list: true, filter: true }),
    validTo: f.date({ zh: '有效期止', en: 'Valid to' }, { list: true, filter: true, sortable: true }),
    amount: f.money({ zh: '合同金额', en: 'Amount' }, { list: true, filter: true, sortable: true }),
    additionalClauses: f.textarea({ zh: '附加条款', en: 'Additional clauses' }, { max: 4000 }),
    policyId: f.ref({ zh: '关联保单', en: 'Policy' }, 'policy', { list: true, filter: true }),
    customerId: f.ref({ zh: '客户', en: 'Customer' }, 'customer', { list: true, filter: true }),
    salespersonId: f.ref({ zh: '业务员', en: 'Salesperson' }, 'salesperson', { filter: true }),
    orgId: f.ref({ zh: '所属机构', en: 'Organisation' }, 'organisation', { required: true, filter: true }),
  },
});
