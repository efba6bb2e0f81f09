import type { EnumOption } from '../field.ts';

export const insuranceTypes: EnumOption[] = [
  { value: 'life', label: { zh: '寿险', en: 'Life' }, color: 'blue' },
  { value: 'health', label: { zh: '健康险', en: 'Health' }, color: 'green' },
  { value: 'criticalIllness', label: { zh: '重疾险', en: 'Critical illness' }, color: 'magenta' },
  { value: 'accident', label: { zh: '意外险', en: 'Accident' }, color: 'orange' },
  { value: 'annuity', label: { zh: '年金险', en: 'Annuity' }, color: 'gold' },
  { value: 'property', label: { zh: '财产险', en: 'Property' }, color: 'cyan' },
  { value: 'auto', label: { zh: '车险', en: 'Auto' }, color: 'geekblue' },
  { value: 'liability', label: { zh: '责任险', en: 'Liability' }, color: 'purple' },
  { value: 'other', label: { zh: '其他', en: 'Other' } },
];

export const paymentFrequencies: EnumOption[] = [
  { value: 'single', label: { zh: '趸交', en: 'Single premium' } },
  { value: 'annual', label: { zh: '年交', en: 'Annual' } },
  { value: 'semiannual', label: { zh: '半年交', en: 'Half-yearly' } },
  { value: 'quarterly', label: { zh: '季交', en: 'Quarterly' } },
  { value: 'monthly', label: { zh: '月交', en: 'Monthly' } },
];

export const signingStatuses: EnumOption[] = [
  { value: 'draft', label: { zh: '草稿', en: 'Draft' }, color: 'default' },
  { value: 'submitted', label: { zh: '已提交', en: 'Submitted' }, color: 'blue' },
  { value: 'underwriting', label: { zh: '核保中', en: 'Underwriting' }, color: 'processing' },
  { value: 'approved', label: { zh: '已核准', en: 'Approved' }, color: 'cyan' },
  { value: 'declined', label: { zh: '已拒保', en: 'Declined' }, color: 'red' },
  { value: 'issued', label: { zh: '已出单', en: 'Issued' }, color: 'green' },
];

export const policyStatuses: EnumOption[] = [
  { value: 'pending', label: { zh: '待生效', en: 'Pending' }, color: 'blue' },
  { value: 'inForce', label: { zh: '有效', en: 'In force' }, color: 'green' },
  { value: 'expired', label: { zh: '已满期', en: 'Expired' }, color: 'default' },
  { value: 'lapsed', label: { zh: '已失效', en: 'Lapsed' }, color: 'orange' },
  { value: 'surrendered', label: { zh: '已退保', en: 'Surrendered' }, color: 'purple' },
  { value: 'cancelled', label: { zh: '已注销', en: 'Cancelled' }, color: 'red' },
];

export const contractStatuses: EnumOption[] = [
  { value: 'draft', label: { zh: '拟定', en: 'Draft' }, color: 'default' },
  { value: 'effective', label: { zh: '生效', en: 'Effective' }, color: 'green' },
  { value: 'terminated', label: { zh: '终止', en: 'Terminated' }, color: 'red' },
  { value: 'expired', label: { zh: '到期', en: 'Expired' }, color: 'default' },
];

export const claimStatuses: EnumOption[] = [
  { value: 'reported', label: { zh: '已报案', en: 'Reported' }, color: 'blue' },
  { value: 'accepted', label: { zh: '已受理', en: 'Accepted' }, color: 'cyan' },
  { value: 'investigating', label: { zh: '调查中', en: 'Investigating' }, color: 'processing' },
  { value: 'approved', label: { zh: '已核赔', en: 'Approved' }, color: 'green' },
  { value: 'rejected', label: { zh: '已拒赔', en: 'Rejected' }, color: 'red' },
  { value: 'paid', label: { zh: '已赔付', en: 'Paid' }, color: 'gold' },
  { value: 'closed', label: { zh: '已结案', en: 'Closed' }, color: 'default' },
];

export const claimTypes: EnumOption[] = [
  { value: 'medical', label: { zh: '医疗', en: 'Medical' } },
  { value: 'accident', label: { zh: '意外', en: 'Accident' } },
  { value: 'criticalIllness', label: { zh: '重疾', en: 'Critical illness' } },
  { value: 'death', label: { zh: '身故', en: 'Death' } },
  { value: 'disability', label: { zh: '伤残', en: 'Disability' } },
  { value: 'property', label: { zh: '财产损失', en: 'Property loss' } },
  { value: 'other', label: { zh: '其他', en: 'Other' } },
];

export const productStatuses: EnumOption[] = [
  { value: 'onSale', label: { zh: '在售', en: 'On sale' }, color: 'green' },
  { value: 'offSale', label: { zh: '停售', en: 'Off sale' }, color: 'default' },
  { value: 'unreviewed', label: { zh: '未审核', en: 'Unreviewed' }, color: 'orange' },
];
