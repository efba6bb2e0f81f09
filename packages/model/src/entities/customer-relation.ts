import { defineEntity } from '../entity.ts';
import type { EnumOption } from '../field.ts';
import { f } from '../field.ts';

/** How the related customer stands to the customer (家庭成员关系). The reverse is derived (child ↔ parent). */
export const householdRelations: EnumOption[] = [
  { value: 'spouse', label: { zh: '配偶', en: 'Spouse' }, color: 'magenta' },
  { value: 'child', label: { zh: '子女', en: 'Child' }, color: 'green' },
  { value: 'parent', label: { zh: '父母', en: 'Parent' }, color: 'blue' },
  { value: 'sibling', label: { zh: '兄弟姐妹', en: 'Sibling' }, color: 'cyan' },
  { value: 'other', label: { zh: '其他家庭成员', en: 'Other family' } },
];

/** One household link between two customers; profiles and coverage gaps read the household from these. */
export const customerRelation = defineEntity({
  name: 'customerRelation',
  plural: 'customer-relations',
  label: { zh: '家庭成员', en: 'Household members' },
  group: 'customers',
  codePrefix: 'HH',
  titleField: 'code',
  scope: { org: 'orgId', owner: { field: 'ownerId', actorKey: 'salespersonId' } },
  fields: {
    customerId: f.ref({ zh: '客户', en: 'Customer' }, 'customer', { required: true, list: true, filter: true }),
    relation: f.enum({ zh: '关系', en: 'Relation' }, householdRelations, { required: true, list: true, filter: true, help: { zh: '家庭成员是客户的…', en: 'The member is the customer’s …' } }),
    relatedId: f.ref({ zh: '家庭成员', en: 'Member' }, 'customer', { required: true, list: true, filter: true }),
    note: f.text({ zh: '备注', en: 'Note' }, { max: 200 }),
    // Copied from the customer by the server, so the link is visible exactly where the customer is.
    orgId: f.ref({ zh: '所属机构', en: 'Organisation' }, 'organisation', { readOnly: true, filter: true }),
    ownerId: f.ref({ zh: '归属业务员', en: 'Owner' }, 'salesperson', { readOnly: true }),
  },
});
