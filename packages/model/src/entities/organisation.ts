import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';
import { orgTypes } from '../enums/common.ts';

export const organisation = defineEntity({
  name: 'organisation',
  plural: 'organisations',
  label: { zh: '组织机构', en: 'Organisations' },
  group: 'org',
  codePrefix: 'ORG',
  importable: true,
  titleField: 'name',
  hasSortIndex: true,
  scope: { org: 'id' },
  fields: {
    name: f.text({ zh: '机构名称', en: 'Name' }, { required: true, list: true, filter: true, search: true, sortable: true }),
    orgCode: f.text({ zh: '机构代码', en: 'Org code' }, { required: true, unique: true, max: 32, list: true, filter: true, search: true }),
    type: f.enum({ zh: '机构类型', en: 'Type' }, orgTypes, { required: true, list: true, filter: true }),
    level: f.int({ zh: '层级', en: 'Level' }, { readOnly: true, list: true, sortable: true }),
    parentId: f.ref({ zh: '上级机构', en: 'Parent' }, 'organisation', { list: true, filter: true }),
    leaderId: f.ref({ zh: '负责人', en: 'Leader' }, 'account', { list: true }),
    address: f.text({ zh: '地址', en: 'Address' }, { max: 200, wide: true }),
    phone: f.phone({ zh: '联系电话', en: 'Phone' }, { list: true }),
    poolReturnDays: f.int({ zh: '公海回收天数', en: 'Pool return after (days)' }, {
      min: 1,
      max: 3650,
      help: { zh: '客户超过该天数未跟进即退回公海；留空沿用上级机构或系统默认', en: 'Customers without a follow-up for this many days return to the pool; empty: the parent’s or the default' },
    }),
    poolNoticeDays: f.int({ zh: '回收提前提醒天数', en: 'Notice before return (days)' }, { min: 0, max: 365 }),
    path: f.text({ zh: '路径', en: 'Tree path' }, { readOnly: true, hidden: true, max: 500 }),
  },
  related: [
    { entity: 'organisation', field: 'parentId', label: { zh: '下级机构', en: 'Child organisations' } },
    { entity: 'salesperson', field: 'orgId', label: { zh: '业务员', en: 'Salespeople' } },
    { entity: 'account', field: 'orgId', label: { zh: '账号', en: 'Accounts' } },
  ],
});
