import { reportDimensions, reportTypes } from '@insure/model/entities/report-definition';

const measureLabels: Record<string, { zh: string; en: string }> = {
  payoutCount: { zh: '发放笔数', en: 'Payouts' },
  amount: { zh: '结算金额', en: 'Amount' },
  paidAmount: { zh: '已发放/赔付金额', en: 'Paid amount' },
  pendingAmount: { zh: '待审批金额', en: 'Pending amount' },
  policyCount: { zh: '保单件数', en: 'Policies' },
  premium: { zh: '保费', en: 'Premium' },
  averagePremium: { zh: '件均保费', en: 'Average premium' },
  sumInsured: { zh: '保险金额', en: 'Sum insured' },
  averageSumInsured: { zh: '件均保额', en: 'Average sum insured' },
  newBusiness: { zh: '新单件数', en: 'New business' },
  renewals: { zh: '续保件数', en: 'Renewals' },
  pending: { zh: '待生效', en: 'Pending' },
  inForce: { zh: '有效', en: 'In force' },
  expired: { zh: '已满期', en: 'Expired' },
  lapsed: { zh: '已失效', en: 'Lapsed' },
  surrendered: { zh: '已退保', en: 'Surrendered' },
  cancelled: { zh: '已注销', en: 'Cancelled' },
  claimCount: { zh: '理赔件数', en: 'Claims' },
  rejectedCount: { zh: '拒赔件数', en: 'Rejected' },
  requestedAmount: { zh: '申请金额', en: 'Requested' },
  approvedAmount: { zh: '核定金额', en: 'Approved' },
  paidRatio: { zh: '赔付率(赔付/申请)', en: 'Paid / requested' },
  newCustomers: { zh: '新增客户', en: 'New customers' },
  won: { zh: '赢单', en: 'Won' },
  lost: { zh: '输单', en: 'Lost' },
  closeRate: { zh: '成交率', en: 'Close rate' },
  answered: { zh: '回访答复数', en: 'Answered surveys' },
  averageCsat: { zh: '平均满意度', en: 'Average CSAT' },
  lowScores: { zh: '低分(≤2)', en: 'Low scores (≤2)' },
  nps: { zh: 'NPS', en: 'NPS' },
};

function labelsFor(language: 'zh' | 'en') {
  return {
    unknown: language === 'zh' ? '未填写' : 'Not set',
    total: language === 'zh' ? '合计' : 'Total',
    types: Object.fromEntries(reportTypes.map((option) => [option.value, option.label[language]])) as Record<string, string>,
    dimensions: Object.fromEntries(reportDimensions.map((option) => [option.value, option.label[language]])) as Record<string, string>,
    measures: Object.fromEntries(Object.entries(measureLabels).map(([key, label]) => [key, label[language]])) as Record<string, string>,
  };
}

/** Headers of the exported workbooks (the screen uses the web locale files). */
export const reportLabels = { zh: labelsFor('zh'), en: labelsFor('en') };
