import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';
import {
  customerCategories,
  customerSources,
  educationLevels,
  genders,
  incomeBands,
  maritalStatuses,
  provinces,
} from '../enums/common.ts';

export const customer = defineEntity({
  name: 'customer',
  plural: 'customers',
  label: { zh: '客户信息', en: 'Customers' },
  group: 'customers',
  codePrefix: 'CUS',
  importable: true,
  customFields: true,
  attachments: true,
  titleField: 'name',
  hasSortIndex: true,
  scope: { org: 'orgId', owner: { field: 'ownerId', actorKey: 'salespersonId' } },
  duplicateCheck: ['idNumber', 'phone'],
  indexes: [
    // New customers per period (salesperson performance, plan progress, commission rankings).
    // Led by createdAt, not deletedAt: an index led by deletedAt looks selective to SQLite's planner (no
    // statistics) and would replace the list-order index of every customer list (then sorted in full).
    { name: 'by_created', fields: ['createdAt', 'deletedAt', 'orgId', 'ownerId'] },
    // Customers in id order with their scope columns: a segment count over everyone walks it (INDEXED BY on
    // SQLite) and looks each profile up in id order. Not led by deletedAt, so customer lists keep their order index.
    { name: 'live_scope', fields: ['id', 'deletedAt', 'orgId', 'ownerId'] },
    // Reports by region look up each record's customer for the province: through this index (~30 MB at 1M) instead
    // of the customers table (2.5 GB), a year of policies by region took 1 s instead of 170 s with a cold cache.
    { name: 'region', fields: ['id', 'province'] },
    // 客户分析 by age and by occupation read one column of every customer in scope: from these (~35 MB each at 1M)
    // instead of the table (2.5 GB), the age structure took 11 s with a cold cache on SQLite.
    { name: 'by_birth_date', fields: ['birthDate', 'deletedAt', 'orgId', 'ownerId'] },
    { name: 'by_occupation', fields: ['occupation', 'deletedAt', 'orgId', 'ownerId'] },
  ],
  related: [
    { entity: 'policy', field: 'applicantId', label: { zh: '投保保单', en: 'Policies (applicant)' } },
    { entity: 'claim', field: 'insuredId', label: { zh: '理赔', en: 'Claims' } },
    { entity: 'interaction', field: 'customerId', label: { zh: '客户关系记录', en: 'Interactions' } },
    { entity: 'feedback', field: 'customerId', label: { zh: '评价与工单', en: 'Reviews & tickets' } },
    { entity: 'opportunity', field: 'customerId', label: { zh: '销售机会', en: 'Opportunities' } },
    { entity: 'consent', field: 'customerId', label: { zh: '个人信息授权', en: 'Consents' } },
  ],
  fields: {
    name: f.text({ zh: '姓名', en: 'Name' }, { required: true, max: 50, list: true, filter: true, search: true, sortable: true }),
    category: f.enum({ zh: '客户类别', en: 'Category' }, customerCategories, { required: true, defaultValue: 'individual', list: true, filter: true }),
    gender: f.enum({ zh: '性别', en: 'Gender' }, genders, { list: true, filter: true }),
    birthDate: f.date({ zh: '出生日期', en: 'Birth date' }, { list: true, sortable: true, filter: true }),
    idNumber: f.idCard({ zh: '身份证号', en: 'ID number' }, { pii: true, unique: true, list: true, search: true, consentCategory: 'idNumber' }),
    phone: f.phone({ zh: '手机号码', en: 'Mobile' }, { pii: true, list: true, search: true }),
    province: f.enum({ zh: '省份', en: 'Province' }, provinces, { list: true, filter: true }),
    city: f.text({ zh: '城市', en: 'City' }, { max: 50, list: true, filter: true, filterMatch: 'exact' }),
    homeAddress: f.text({ zh: '家庭住址', en: 'Home address' }, { pii: true, max: 200, wide: true }),
    postcode: f.text({ zh: '邮编', en: 'Postcode' }, { max: 6 }),
    occupation: f.text({ zh: '职业', en: 'Occupation' }, { max: 50, filter: true }),
    employer: f.text({ zh: '工作单位', en: 'Employer' }, { max: 100 }),
    position: f.text({ zh: '职位', en: 'Position' }, { max: 50 }),
    education: f.enum({ zh: '学历', en: 'Education' }, educationLevels, { filter: true }),
    maritalStatus: f.enum({ zh: '婚姻状况', en: 'Marital status' }, maritalStatuses, { filter: true }),
    incomeBand: f.enum({ zh: '年收入', en: 'Annual income' }, incomeBands, { filter: true }),
    healthStatus: f.textarea({ zh: '健康状况', en: 'Health status' }, { pii: true, max: 500, consentCategory: 'health' }),
    source: f.enum({ zh: '客户来源', en: 'Source' }, customerSources, { list: true, filter: true }),
    ownerId: f.ref({ zh: '归属业务员', en: 'Owner' }, 'salesperson', { list: true, filter: true }),
    ownedSince: f.datetime({ zh: '归属起始时间', en: 'Owned since' }, { readOnly: true }),
    orgId: f.ref({ zh: '所属机构', en: 'Organisation' }, 'organisation', { required: true, list: true, filter: true }),
    groupIds: f.refMany({ zh: '客户分组', en: 'Groups' }, 'customerGroup', { filter: true }),
    tagIds: f.refMany({ zh: '客户标签', en: 'Tags' }, 'customerTag', { list: true, filter: true }),
    remarks: f.textarea({ zh: '备注', en: 'Remarks' }, { max: 1000 }),
  },
});
