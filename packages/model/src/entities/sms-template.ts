import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';

export const reminderKinds = [
  { value: 'birthday', label: { zh: '客户生日提醒', en: 'Birthday' } },
  { value: 'policyExpiry', label: { zh: '保险到期提醒', en: 'Policy expiry' } },
  { value: 'premiumDue', label: { zh: '缴费提醒', en: 'Premium due' } },
  { value: 'anniversary', label: { zh: '保单周年提醒', en: 'Policy anniversary' } },
  { value: 'claimProgress', label: { zh: '理赔处理进度提醒', en: 'Claim progress' } },
  { value: 'signingSuccess', label: { zh: '签单成功提醒', en: 'Signing success' } },
  { value: 'licenceExpiry', label: { zh: '资格证到期提醒', en: 'Licence expiry' } },
  { value: 'manual', label: { zh: '人工群发', en: 'Manual' } },
];

export const smsTemplate = defineEntity({
  name: 'smsTemplate',
  plural: 'sms-templates',
  label: { zh: '短信模板', en: 'SMS templates' },
  group: 'sales',
  codePrefix: 'SMT',
  titleField: 'name',
  hasSortIndex: true,
  fields: {
    name: f.text({ zh: '模板名称', en: 'Name' }, { required: true, max: 60, list: true, search: true }),
    kind: f.enum({ zh: '提醒类型', en: 'Reminder kind' }, reminderKinds, { required: true, list: true, filter: true }),
    contentZh: f.textarea({ zh: '中文内容', en: 'Chinese text' }, { required: true, max: 500, help: { zh: '变量如 {customerName} {policyNo} {productName} {date} {amount} {claimStatus}；资格证到期：{salespersonName} {licenceType} {certificateNo} {days}', en: 'Variables such as {customerName} {policyNo} {productName} {date} {amount} {claimStatus}; licence expiry: {salespersonName} {licenceType} {certificateNo} {days}' } }),
    contentEn: f.textarea({ zh: '英文内容', en: 'English text' }, { max: 500 }),
    providerTemplateId: f.text({ zh: '服务商模板编号', en: 'Provider template id' }, { max: 60, list: true }),
    enabled: f.bool({ zh: '启用', en: 'Enabled' }, { defaultValue: true, list: true, filter: true }),
  },
});
