import type { EnumOption } from '../field.ts';

export const opportunityStages: EnumOption[] = [
  { value: 'lead', label: { zh: '线索', en: 'Lead' } },
  { value: 'contacted', label: { zh: '已联系', en: 'Contacted' } },
  { value: 'needsAnalysis', label: { zh: '需求分析', en: 'Needs analysis' } },
  { value: 'proposal', label: { zh: '方案建议', en: 'Proposal' } },
  { value: 'negotiation', label: { zh: '商务谈判', en: 'Negotiation' } },
  { value: 'won', label: { zh: '赢单', en: 'Won' }, color: 'green' },
  { value: 'lost', label: { zh: '输单', en: 'Lost' }, color: 'red' },
];

export const attentionLevels: EnumOption[] = [
  { value: 'low', label: { zh: '低', en: 'Low' } },
  { value: 'medium', label: { zh: '中', en: 'Medium' }, color: 'blue' },
  { value: 'high', label: { zh: '高', en: 'High' }, color: 'red' },
];

export const periodTypes: EnumOption[] = [
  { value: 'month', label: { zh: '月度', en: 'Month' } },
  { value: 'quarter', label: { zh: '季度', en: 'Quarter' } },
  { value: 'year', label: { zh: '年度', en: 'Year' } },
];

export const planLevels: EnumOption[] = [
  { value: 'target', label: { zh: '目标', en: 'Target' } },
  { value: 'stretch', label: { zh: '冲刺', en: 'Stretch' }, color: 'blue' },
  { value: 'challenge', label: { zh: '挑战', en: 'Challenge' }, color: 'red' },
];

export const salesChannels: EnumOption[] = [
  { value: 'agent', label: { zh: '个人代理', en: 'Agency' } },
  { value: 'bank', label: { zh: '银保', en: 'Bancassurance' } },
  { value: 'broker', label: { zh: '经纪', en: 'Broker' } },
  { value: 'online', label: { zh: '互联网', en: 'Online' } },
  { value: 'group', label: { zh: '团险', en: 'Group' } },
];

export const incentiveRuleTypes: EnumOption[] = [
  { value: 'commission', label: { zh: '佣金比例', en: 'Commission rate' } },
  { value: 'planBonus', label: { zh: '超额完成奖励', en: 'Beat-the-plan bonus' } },
  { value: 'newCustomerBonus', label: { zh: '新客户奖励', en: 'New-customer bonus' } },
  { value: 'managerOverride', label: { zh: '管理津贴', en: 'Manager override' } },
  { value: 'chargeback', label: { zh: '佣金追回', en: 'Chargeback' } },
];

export const contactChannels: EnumOption[] = [
  { value: 'phone', label: { zh: '电话', en: 'Phone' } },
  { value: 'visit', label: { zh: '面访', en: 'Visit' } },
  { value: 'wechat', label: { zh: '微信', en: 'WeChat' } },
  { value: 'sms', label: { zh: '短信', en: 'SMS' } },
  { value: 'email', label: { zh: '邮件', en: 'Email' } },
  { value: 'other', label: { zh: '其他', en: 'Other' } },
];

export const priorities: EnumOption[] = [
  { value: 'low', label: { zh: '低', en: 'Low' } },
  { value: 'normal', label: { zh: '普通', en: 'Normal' }, color: 'blue' },
  { value: 'high', label: { zh: '高', en: 'High' }, color: 'orange' },
  { value: 'urgent', label: { zh: '紧急', en: 'Urgent' }, color: 'red' },
];

/** Stages an opportunity can still move on from, in pipeline order (won and lost close it). */
export const openOpportunityStages = ['lead', 'contacted', 'needsAnalysis', 'proposal', 'negotiation'] as const;

/** Win probability (%) of each stage until an admin sets its own in 销售阶段设置. */
export const defaultStageProbabilities: Record<string, number> = { lead: 10, contacted: 20, needsAnalysis: 40, proposal: 60, negotiation: 80, won: 100, lost: 0 };

export const winLossReasons: EnumOption[] = [
  { value: 'price', label: { zh: '价格', en: 'Price' } },
  { value: 'coverage', label: { zh: '保障范围', en: 'Coverage' } },
  { value: 'service', label: { zh: '服务', en: 'Service' } },
  { value: 'brand', label: { zh: '品牌信誉', en: 'Brand' } },
  { value: 'relationship', label: { zh: '客户关系', en: 'Relationship' } },
  { value: 'claims', label: { zh: '理赔体验', en: 'Claims experience' } },
  { value: 'timing', label: { zh: '时机', en: 'Timing' } },
  { value: 'other', label: { zh: '其他', en: 'Other' } },
];

export const competitorTypes: EnumOption[] = [
  { value: 'insurer', label: { zh: '保险公司', en: 'Insurer' } },
  { value: 'broker', label: { zh: '经纪/代理公司', en: 'Broker / agency' } },
  { value: 'bank', label: { zh: '银行渠道', en: 'Bank channel' } },
  { value: 'online', label: { zh: '互联网平台', en: 'Online platform' } },
  { value: 'other', label: { zh: '其他', en: 'Other' } },
];
