import { defineEntity, type Workflow } from '../entity.ts';
import { type EnumOption, f } from '../field.ts';

/** Sensitive personal information (PIPL art. 28) whose processing needs the person's separate consent. */
export const sensitiveCategories: EnumOption[] = [
  { value: 'health', label: { zh: '健康生理信息', en: 'Health information' } },
  { value: 'idNumber', label: { zh: '身份证件信息', en: 'Identity documents' } },
  { value: 'financial', label: { zh: '财产收入信息', en: 'Financial information' } },
];

export const consentPurposes: EnumOption[] = [
  { value: 'underwriting', label: { zh: '投保核保', en: 'Underwriting' } },
  { value: 'claims', label: { zh: '理赔服务', en: 'Claims' } },
  { value: 'service', label: { zh: '保全与客户服务', en: 'Policy service' } },
  { value: 'marketing', label: { zh: '产品推荐', en: 'Product recommendations' } },
  { value: 'legal', label: { zh: '履行法定义务', en: 'Legal obligations' } },
];

export const consentChannels: EnumOption[] = [
  { value: 'paper', label: { zh: '纸质签字', en: 'Signed paper form' } },
  { value: 'electronic', label: { zh: '电子签名', en: 'Electronic signature' } },
  { value: 'recording', label: { zh: '录音确认', en: 'Recorded call' } },
  { value: 'online', label: { zh: '线上勾选', en: 'Online tick box' } },
];

export const consentStatuses: EnumOption[] = [
  { value: 'active', label: { zh: '有效', en: 'Active' }, color: 'green' },
  { value: 'withdrawn', label: { zh: '已撤回', en: 'Withdrawn' }, color: 'default' },
];

const consentWorkflow: Workflow = {
  initial: 'active',
  transitions: [
    { action: 'withdraw', label: { zh: '撤回授权', en: 'Withdraw' }, from: ['active'], to: 'withdrawn', permission: 'edit', requiresNote: true, danger: true, fields: ['withdrawnAt'], requires: ['withdrawnAt'] },
  ],
};

/**
 * The customer's separate consent to process one category of sensitive data for one purpose. Revealing a
 * customer field that declares a `consentCategory` needs an active, current consent of that category.
 */
export const consent = defineEntity({
  name: 'consent',
  plural: 'consents',
  label: { zh: '个人信息授权', en: 'Consents' },
  group: 'customers',
  codePrefix: 'CON',
  titleField: 'code',
  attachments: true,
  workflow: consentWorkflow,
  statuses: consentStatuses,
  pickableStatus: ['active'],
  scope: { org: 'orgId', owner: { field: 'ownerId', actorKey: 'salespersonId' } },
  fields: {
    customerId: f.ref({ zh: '客户', en: 'Customer' }, 'customer', { required: true, list: true, filter: true }),
    category: f.enum({ zh: '信息类别', en: 'Data category' }, sensitiveCategories, { required: true, list: true, filter: true }),
    purpose: f.enum({ zh: '处理目的', en: 'Purpose' }, consentPurposes, { required: true, list: true, filter: true }),
    channel: f.enum({ zh: '授权方式', en: 'How given' }, consentChannels, { required: true, list: true }),
    grantedAt: f.date({ zh: '授权日期', en: 'Given on' }, { required: true, list: true, filter: true, sortable: true }),
    expiresAt: f.date({ zh: '有效期至', en: 'Valid until' }, { list: true, help: { zh: '留空表示长期有效，直至撤回', en: 'Empty: valid until withdrawn' } }),
    withdrawnAt: f.date({ zh: '撤回日期', en: 'Withdrawn on' }, { readOnly: true, list: true }),
    note: f.textarea({ zh: '备注', en: 'Note' }, { max: 500 }),
    // Copied from the customer by the server, so the consent is visible exactly where the customer is.
    orgId: f.ref({ zh: '所属机构', en: 'Organisation' }, 'organisation', { readOnly: true, filter: true }),
    ownerId: f.ref({ zh: '归属业务员', en: 'Owner' }, 'salesperson', { readOnly: true }),
  },
});
