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
    // A rule tag: conditions in the segment language (JSON, docs/profiles.md); evaluated on every profile
    // recompute and daily. Empty: a manual tag, put on customers by hand (customer.tagIds).
    rule: f.textarea({ zh: '自动规则', en: 'Rule' }, { max: 20000, example: '{"op":"and","items":[{"field":"profile.claimsThisYear","op":"gte","value":2}]}', help: { zh: '留空为手工标签；规则标签由系统按条件自动打上', en: 'Empty: a manual tag; a rule tag is put on and taken off by the system' } }),
  },
  related: [{ entity: 'customer', field: 'tagIds', label: { zh: '带此标签的客户', en: 'Customers with this tag' } }],
});
