import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';
import { educationLevels, genders } from '../enums/common.ts';

export const salespersonStatuses = [
  { value: 'active', label: { zh: '在职', en: 'Active' }, color: 'green' },
  { value: 'suspended', label: { zh: '停职', en: 'Suspended' }, color: 'orange' },
  { value: 'left', label: { zh: '离职', en: 'Left' }, color: 'default' },
];

export const salesperson = defineEntity({
  name: 'salesperson',
  plural: 'salespeople',
  label: { zh: '业务员管理', en: 'Salespeople' },
  group: 'org',
  codePrefix: 'SP',
  importable: true,
  titleField: 'name',
  statuses: salespersonStatuses,
  pickableStatus: ['active'],
  hasSortIndex: true,
  scope: { org: 'orgId', owner: { field: 'id', actorKey: 'salespersonId' } },
  duplicateCheck: ['idNumber'],
  fields: {
    name: f.text({ zh: '姓名', en: 'Name' }, { required: true, max: 50, list: true, filter: true, search: true, sortable: true }),
    gender: f.enum({ zh: '性别', en: 'Gender' }, genders, { list: true, filter: true }),
    birthDate: f.date({ zh: '出生日期', en: 'Birth date' }, { sortable: true }),
    idNumber: f.idCard({ zh: '身份证号', en: 'ID number' }, { pii: true, unique: true, list: true, search: true }),
    phone: f.phone({ zh: '手机号码', en: 'Mobile' }, { pii: true, required: true, list: true, search: true }),
    homeAddress: f.text({ zh: '家庭住址', en: 'Home address' }, { pii: true, max: 200, wide: true }),
    postcode: f.text({ zh: '邮编', en: 'Postcode' }, { max: 6 }),
    occupation: f.text({ zh: '职业', en: 'Occupation' }, { max: 50 }),
    employer: f.text({ zh: '工作单位', en: 'Employer' }, { max: 100 }),
    position: f.text({ zh: '职位', en: 'Position' }, { max: 50, list: true }),
    education: f.enum({ zh: '学历', en: 'Education' }, educationLevels, { filter: true }),
    joinDate: f.date({ zh: '入职日期', en: 'Join date' }, { list: true, sortable: true, filter: true }),
    orgId: f.ref({ zh: '所属机构', en: 'Organisation' }, 'organisation', { required: true, list: true, filter: true }),
    managerId: f.ref({ zh: '上级主管', en: 'Manager' }, 'salesperson', { filter: true }),
  },
  related: [{ entity: 'customer', field: 'ownerId', label: { zh: '名下客户', en: 'Customers' } }],
});
