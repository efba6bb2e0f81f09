import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';

export const customerGroup = defineEntity({
  name: 'customerGroup',
  plural: 'customer-groups',
  label: { zh: '客户分组', en: 'Customer groups' },
  group: 'customers',
  codePrefix: 'GRP',
  titleField: 'name',
  hasSortIndex: true,
  scope: { org: 'orgId' },
  fields: {
    name: f.text({ zh: '分组名称', en: 'Name' }, { required: true, max: 50, list: true, search: true }),
    description: f.textarea({ zh: '说明', en: 'Description' }, { max: 500 }),
    orgId: f.ref({ zh: '所属机构', en: 'Organisation' }, 'organisation', { required: true, list: true, filter: true }),
  },
  related: [{ entity: 'customer', field: 'groupIds', label: { zh: '组内客户', en: 'Customers' } }],
});
