import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';
import { reminderKinds } from './sms-template.ts';

export const messageStatuses = [
  { value: 'queued', label: { zh: '排队中', en: 'Queued' }, color: 'blue' },
  { value: 'sending', label: { zh: '发送中', en: 'Sending' }, color: 'processing' },
  { value: 'sent', label: { zh: '已发送', en: 'Sent' }, color: 'cyan' },
  { value: 'delivered', label: { zh: '已送达', en: 'Delivered' }, color: 'green' },
  { value: 'failed', label: { zh: '失败', en: 'Failed' }, color: 'red' },
];

export const smsMessage = defineEntity({
  name: 'smsMessage',
  plural: 'sms-messages',
  label: { zh: '短信通知', en: 'SMS messages' },
  group: 'sales',
  codePrefix: 'SMS',
  titleField: 'kind',
  statuses: messageStatuses,
  pickableStatus: ['sent', 'delivered'],
  scope: { org: 'orgId' },
  fields: {
    customerId: f.ref({ zh: '客户', en: 'Customer' }, 'customer', { list: true, filter: true }),
    salespersonId: f.ref({ zh: '业务员', en: 'Salesperson' }, 'salesperson', { filter: true, help: { zh: '发给业务员本人的提醒（资格证到期）', en: 'Reminders sent to the salesperson (licence expiry)' } }),
    phone: f.phone({ zh: '手机号码', en: 'Mobile' }, { pii: true, required: true, list: true, search: true }),
    kind: f.enum({ zh: '提醒类型', en: 'Kind' }, reminderKinds, { required: true, list: true, filter: true }),
    templateId: f.ref({ zh: '模板', en: 'Template' }, 'smsTemplate', { filter: true }),
    content: f.textarea({ zh: '短信内容', en: 'Text' }, { required: true, max: 500 }),
    // Variable values in the order the template uses them: gateways with registered templates get these, not the text.
    templateParams: f.textarea({ zh: '模板变量', en: 'Template variables' }, { readOnly: true, hidden: true, max: 2000 }),
    scheduledAt: f.datetime({ zh: '计划发送时间', en: 'Scheduled' }, { list: true, filter: true, sortable: true }),
    sentAt: f.datetime({ zh: '发送时间', en: 'Sent' }, { readOnly: true, list: true, sortable: true }),
    providerMessageId: f.text({ zh: '服务商回执号', en: 'Provider message id' }, { readOnly: true, max: 80 }),
    error: f.text({ zh: '失败原因', en: 'Error' }, { readOnly: true, max: 500 }),
    deliveredAt: f.datetime({ zh: '送达时间', en: 'Delivered' }, { readOnly: true, sortable: true }),
    attempts: f.int({ zh: '发送次数', en: 'Attempts' }, { readOnly: true }),
    provider: f.text({ zh: '短信通道', en: 'Gateway' }, { readOnly: true, max: 20, list: true, filter: true, filterMatch: 'exact' }),
    segments: f.int({ zh: '计费条数', en: 'Billed segments' }, { readOnly: true }),
    // Claimed for sending at: a message left in "sending" past the lease was never acknowledged (crash).
    claimedAt: f.datetime({ zh: '领取时间', en: 'Claimed' }, { readOnly: true, hidden: true }),
    // Type + record + date of a reminder (or the outbox key of an event): unique, so no reminder exists twice.
    dedupeKey: f.text({ zh: '去重键', en: 'Idempotency key' }, { readOnly: true, hidden: true, unique: true, max: 200 }),
    orgId: f.ref({ zh: '所属机构', en: 'Organisation' }, 'organisation', { required: true, filter: true }),
  },
});
