import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';
import { dataScopes } from '../enums/common.ts';

export const role = defineEntity({
  name: 'role',
  plural: 'roles',
  label: { zh: '角色权限', en: 'Roles' },
  group: 'admin',
  codePrefix: 'ROL',
  titleField: 'name',
  hasSortIndex: true,
  fields: {
    name: f.text({ zh: '角色名称', en: 'Name' }, { required: true, unique: true, max: 50, list: true, filter: true, search: true }),
    builtinKey: f.text({ zh: '内置标识', en: 'Built-in key' }, { readOnly: true, list: true, max: 40 }),
    dataScope: f.enum({ zh: '数据范围', en: 'Data scope' }, dataScopes, { required: true, list: true, filter: true }),
    poolClaimLimit: f.int({ zh: '公海每日领取上限', en: 'Pool claims per day' }, {
      max: 10000,
      help: { zh: '留空使用系统默认；多个角色取最大值', en: 'Empty: the default; with several roles the highest applies' },
    }),
    description: f.textarea({ zh: '说明', en: 'Description' }, { max: 500 }),
    permissions: f.permissions({ zh: '权限', en: 'Permissions' }),
  },
  related: [{ entity: 'account', field: 'roleIds', label: { zh: '拥有此角色的账号', en: 'Accounts with this role' } }],
});
