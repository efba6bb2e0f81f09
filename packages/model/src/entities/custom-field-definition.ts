import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';

export const customFieldKinds = [
  { value: 'text', label: { zh: '文本', en: 'Text' } },
  { value: 'number', label: { zh: '数字', en: 'Number' } },
  { value: 'date', label: { zh: '日期', en: 'Date' } },
  { value: 'select', label: { zh: '下拉选项', en: 'Select' } },
];

/** Modules whose records carry admin-defined fields (SPEC §2.4 字段自定义). */
export const customizableEntities = [{ value: 'customer', label: { zh: '客户信息', en: 'Customers' } }];

export const customFieldKeyPattern = /^[a-z][a-zA-Z0-9]{0,29}$/;

export const customFieldDefinition = defineEntity({
  name: 'customFieldDefinition',
  plural: 'custom-field-definitions',
  label: { zh: '自定义字段', en: 'Custom fields' },
  group: 'admin',
  codePrefix: 'CFD',
  titleField: 'labelZh',
  hasSortIndex: true,
  fields: {
    entityName: f.enum({ zh: '所属模块', en: 'Module' }, customizableEntities, { required: true, list: true, filter: true }),
    key: f.text({ zh: '字段标识', en: 'Key' }, { required: true, unique: true, max: 30, list: true, search: true, pattern: customFieldKeyPattern.source, example: 'wechatId', help: { zh: '英文字母开头，字母或数字，如 wechatId', en: 'Starts with a letter; letters and digits, e.g. wechatId' } }),
    labelZh: f.text({ zh: '中文名称', en: 'Chinese label' }, { required: true, max: 30, list: true, search: true }),
    labelEn: f.text({ zh: '英文名称', en: 'English label' }, { required: true, max: 50, list: true }),
    kind: f.enum({ zh: '类型', en: 'Kind' }, customFieldKinds, { required: true, list: true, filter: true }),
    options: f.textarea({ zh: '选项（每行一个）', en: 'Options (one per line)' }, { max: 2000 }),
    required: f.bool({ zh: '必填', en: 'Required' }, { defaultValue: false, list: true }),
    filterable: f.bool({ zh: '可查询', en: 'Searchable' }, { defaultValue: true, list: true }),
    showInList: f.bool({ zh: '列表显示', en: 'Show in list' }, { defaultValue: false, list: true }),
  },
});
