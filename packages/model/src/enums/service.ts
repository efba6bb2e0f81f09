import type { EnumOption } from '../field.ts';

/** Licences a salesperson may hold; a product may require one of them for its signings. */
export const qualificationTypes: EnumOption[] = [
  { value: 'agentLicence', label: { zh: '保险代理从业资格', en: 'Insurance agent licence' }, color: 'blue' },
  { value: 'investmentLinked', label: { zh: '投连险销售资格', en: 'Investment-linked sales' }, color: 'purple' },
  { value: 'health', label: { zh: '健康险销售资格', en: 'Health insurance sales' }, color: 'green' },
  { value: 'property', label: { zh: '财产险销售资格', en: 'Property insurance sales' }, color: 'orange' },
];

export const surveyTriggers: EnumOption[] = [
  { value: 'signing', label: { zh: '签单后', en: 'After signing' }, color: 'blue' },
  { value: 'claimPaid', label: { zh: '理赔赔付后', en: 'After claim payment' }, color: 'green' },
  { value: 'manual', label: { zh: '手动/名单', en: 'Manual or list' } },
];

export const surveyStatuses: EnumOption[] = [
  { value: 'sent', label: { zh: '待回答', en: 'Awaiting answer' }, color: 'blue' },
  { value: 'answered', label: { zh: '已回答', en: 'Answered' }, color: 'green' },
  { value: 'expired', label: { zh: '已过期', en: 'Expired' }, color: 'default' },
];

export const templateStatuses: EnumOption[] = [
  { value: 'active', label: { zh: '启用', en: 'Active' }, color: 'green' },
  { value: 'inactive', label: { zh: '停用', en: 'Inactive' }, color: 'default' },
];
