import { defineEntity } from '../entity.ts';
import { insuranceTypes } from '../enums/insurance.ts';
import { f } from '../field.ts';

/** A policy the customer holds with another insurer (他司保单): it counts in holdings and coverage gaps. */
export const externalPolicy = defineEntity({
  name: 'externalPolicy',
  plural: 'external-policies',
  label: { zh: '他司保单', en: 'External policies' },
  group: 'customers',
  codePrefix: 'EXP',
  titleField: 'code',
  scope: { org: 'orgId', owner: { field: 'ownerId', actorKey: 'salespersonId' } },
  fields: {
    customerId: f.ref({ zh: '客户', en: 'Customer' }, 'customer', { required: true, list: true, filter: true }),
    insurer: f.text({ zh: '保险公司', en: 'Insurer' }, { required: true, max: 100, list: true, search: true }),
    insuranceType: f.enum({ zh: '保险险种', en: 'Insurance type' }, insuranceTypes, { required: true, list: true, filter: true }),
    sumInsured: f.money({ zh: '保险金额', en: 'Sum insured' }, { list: true }),
    annualPremium: f.money({ zh: '年缴保费', en: 'Annual premium' }, {}),
    endDate: f.date({ zh: '保险止期', en: 'Expiry' }, { list: true, filter: true, sortable: true, help: { zh: '留空表示终身', en: 'Empty: whole of life' } }),
    orgId: f.ref({ zh: '所属机构', en: 'Organisation' }, 'organisation', { readOnly: true, filter: true }),
    ownerId: f.ref({ zh: '归属业务员', en: 'Owner' }, 'salesperson', { readOnly: true }),
  },
});
