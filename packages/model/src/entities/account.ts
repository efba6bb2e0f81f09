import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';

export const accountStatuses = [
  { value: 'enabled', label: { zh: '启用', en: 'Enabled' }, color: 'green' },
  { value: 'disabled', label: { zh: '停用', en: 'Disabled' }, color: 'default' },
];

export const account = defineEntity({
  name: 'account',
  plural: 'accounts',
  label: { zh: '账号管理', en: 'Accounts' },
  group: 'admin',
  codePrefix: 'ACC',
  titleField: 'displayName',
  statuses: accountStatuses,
  pickableStatus: ['enabled'],
  scope: { org: 'orgId', owner: { field: 'id', actorKey: 'accountId' } },
  fields: {
    loginName: f.text({ zh: '登录名', en: 'Login name' }, { required: true, unique: true, max: 40, list: true, filter: true, search: true }),
    displayName: f.text({ zh: '姓名', en: 'Display name' }, { required: true, max: 50, list: true, filter: true, search: true }),
    orgId: f.ref({ zh: '所属机构', en: 'Organisation' }, 'organisation', { required: true, list: true, filter: true }),
    roleIds: f.refMany({ zh: '角色', en: 'Roles' }, 'role', { list: true, filter: true }),
    salespersonId: f.ref({ zh: '关联业务员', en: 'Linked salesperson' }, 'salesperson', { list: true }),
    email: f.email({ zh: '邮箱', en: 'Email' }),
    phone: f.phone({ zh: '手机', en: 'Mobile' }, { pii: true }),
    lastLoginAt: f.datetime({ zh: '最近登录', en: 'Last login' }, { readOnly: true, list: true, sortable: true }),
  },
});
