import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';

export const payoutStatuses = [
  { value: 'pending', label: { zh: '待审批', en: 'Pending' }, color: 'orange' },
  { value: 'approved', label: { zh: '已审批', en: 'Approved' }, color: 'blue' },
  { value: 'paid', label: { zh: '已发放', en: 'Paid' }, color: 'green' },
];

export const incentivePayout = defineEntity({
  name: 'incentivePayout',
  plural: 'incentive-payouts',
  label: { zh: '奖励发放', en: 'Incentive payouts' },
  group: 'sales',
  codePrefix: 'PAY',
  titleField: 'period',
  statuses: payoutStatuses,
  pickableStatus: ['approved', 'paid'],
  scope: { org: 'orgId', owner: { field: 'salespersonId', actorKey: 'salespersonId' } },
  fields: {
    salespersonId: f.ref({ zh: '业务员', en: 'Salesperson' }, 'salesperson', { required: true, list: true, filter: true, refStatuses: ['active', 'suspended', 'left'] }),
    period: f.text({ zh: '结算期间', en: 'Period' }, { required: true, max: 7, list: true, filter: true, search: true, pattern: '^\\d{4}-(0[1-9]|1[0-2])$', example: '2026-05', help: { zh: '格式 YYYY-MM', en: 'YYYY-MM' } }),
    amount: f.money({ zh: '金额', en: 'Amount' }, { required: true, min: -1e9, list: true, sortable: true }),
    paidDate: f.date({ zh: '发放日期', en: 'Paid on' }, { list: true, filter: true }),
    method: f.enum({ zh: '发放方式', en: 'Method' }, [
      { value: 'bank', label: { zh: '银行转账', en: 'Bank transfer' } },
      { value: 'cash', label: { zh: '现金', en: 'Cash' } },
      { value: 'other', label: { zh: '其他', en: 'Other' } },
    ], { list: true }),
    reference: f.text({ zh: '凭证号', en: 'Reference' }, { max: 60 }),
    remarks: f.textarea({ zh: '备注', en: 'Remarks' }, { max: 1000 }),
    orgId: f.ref({ zh: '所属机构', en: 'Organisation' }, 'organisation', { required: true, filter: true }),
  },
});
