import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';

export const tagColors = ['blue', 'green', 'red', 'orange', 'gold', 'purple', 'cyan', 'magenta', 'geekblue', 'volcano'].map((value) => ({
  value,
  label: { zh: value, en: value },
  color: value,
}));

export const customerTag = defineEntity({
  name: 'customerTag',
  plural: 'customer-tags',
  label: { zh: '客户标签', en: 'Customer tags' },
  group: 'customers',
  codePrefix: 'TAG',
  titleField: 'name',
  hasSortIndex: true,
  fields: {
    name: f.text({ zh: '标签名称', en: 'Name' }, { required: true, unique: true, max: 30, list: true, search: true }),
    color: f.enum({ zh: '颜色', en: 'Colour' }, tagColors, { defaultValue: 'blue', list: true }),
    description: f.textarea({ zh: '说明', en: 'Description' }, { max: 500 }),
  },
  related: [{ entity: 'customer', field: 'tagIds', label: { zh: '带此标签的客户', en: 'Customers with this tag' } }],
});
