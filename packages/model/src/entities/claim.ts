import { defineEntity } from '../entity.ts';
import { claimWorkflow } from '../enums/workflows.ts';
import { f } from '../field.ts';
import { claimStatuses, claimTypes } from '../enums/insurance.ts';

export const claim = defineEntity({
  name: 'claim',
  plural: 'claims',
  label: { zh: '理赔管理', en: 'Claims' },
  group: 'insurance',
  codePrefix: 'CLM',
  attachments: true,
  workflow: claimWorkflow,
  titleField: 'claimNo',
  statuses: claimStatuses,
  pickableStatus: ['reported', 'accepted', 'investigating', 'approved', 'paid', 'closed'],
  scope: { org: 'orgId', owner: { field: 'salespersonId', actorKey: 'salespersonId' } },
  indexes: [
    // Claims report over a period, from the index alone.
    { name: 'by_incident', fields: ['deletedAt', 'incidentAt', 'status', 'orgId', 'salespersonId', 'requestedAmount', 'approvedAmount', 'paidAmount', 'policyId'] },
    // Workbench: open claims of a team / a handler.
    { name: 'open_by_org', fields: ['deletedAt', 'status', 'orgId', 'salespersonId', 'handlerId'] },
  ],
  fields: {
    claimNo: f.text({ zh: '理赔单号', en: 'Claim no.' }, { required: true, unique: true, max: 40, list: true, filter: true, search: true }),
    policyId: f.ref({ zh: '保单', en: 'Policy' }, 'policy', { required: true, list: true, filter: true, refStatuses: ['inForce', 'expired', 'lapsed', 'surrendered'] }),
    insuredId: f.ref({ zh: '被保险人', en: 'Insured' }, 'customer', { list: true, filter: true }),
    reporter: f.text({ zh: '报案人', en: 'Reporter' }, { max: 50, list: true }),
    reporterPhone: f.phone({ zh: '报案人电话', en: 'Reporter phone' }, { pii: true }),
    claimType: f.enum({ zh: '理赔类型', en: 'Claim type' }, claimTypes, { required: true, list: true, filter: true }),
    incidentAt: f.datetime({ zh: '出险时间', en: 'Incident time' }, { required: true, list: true, filter: true, sortable: true }),
    requestedAmount: f.money({ zh: '申请金额', en: 'Requested amount' }, { required: true, list: true, filter: true, sortable: true }),
    approvedAmount: f.money({ zh: '核定金额', en: 'Approved amount' }, { readOnly: true, list: true }),
    paidAmount: f.money({ zh: '赔付金额', en: 'Paid amount' }, { readOnly: true, list: true }),
    cause: f.textarea({ zh: '理赔原因', en: 'Cause' }, { max: 2000 }),
    overrideReason: f.textarea({ zh: '规则豁免原因', en: 'Override reason' }, { max: 500, help: { zh: '金额超过剩余保额或出险时间不在保险期间内时必填，需审批权限', en: 'Needed (with the approve permission) when the amount exceeds the remaining sum insured or the incident falls outside the policy period' } }),
    dueAt: f.datetime({ zh: '处理时限', en: 'Handling target' }, { readOnly: true, list: true, sortable: true }),
    handlerId: f.ref({ zh: '处理经办人', en: 'Handler' }, 'account', { list: true, filter: true }),
    handledAt: f.datetime({ zh: '处理时间', en: 'Handled at' }, { readOnly: true, sortable: true }),
    rating: f.int({ zh: '理赔评价', en: 'Rating' }, { min: 1, max: 5 }),
    salespersonId: f.ref({ zh: '业务员', en: 'Salesperson' }, 'salesperson', { filter: true }),
    orgId: f.ref({ zh: '所属机构', en: 'Organisation' }, 'organisation', { required: true, filter: true }),
  },
});
