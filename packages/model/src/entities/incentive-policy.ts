import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';
import { insuranceTypes } from '../enums/insurance.ts';
import { incentiveRuleTypes, planLevels, salesChannels } from '../enums/sales.ts';

export const incentivePolicy = defineEntity({
  name: 'incentivePolicy',
  plural: 'incentive-policies',
  label: { zh: '激励政策', en: 'Incentive policies' },
  group: 'sales',
  codePrefix: 'INC',
  titleField: 'name',
  hasSortIndex: true,
  scope: { org: 'orgId' },
  fields: {
    name: f.text({ zh: '政策名称', en: 'Name' }, { required: true, max: 100, list: true, search: true }),
    ruleType: f.enum({ zh: '规则类型', en: 'Rule type' }, incentiveRuleTypes, { required: true, list: true, filter: true }),
    insuranceType: f.enum({ zh: '险种', en: 'Insurance type' }, insuranceTypes, { list: true, filter: true }),
    productId: f.ref({ zh: '产品', en: 'Product' }, 'product', { filter: true }),
    channel: f.enum({ zh: '渠道', en: 'Channel' }, salesChannels, { filter: true }),
    policyYear: f.int({ zh: '保单年度', en: 'Policy year' }, { min: 1, max: 50 }),
    ratePercent: f.decimal({ zh: '比例(%)', en: 'Rate (%)' }, { min: 0, max: 100, list: true }),
    amount: f.money({ zh: '固定金额', en: 'Fixed amount' }, { list: true }),
    planLevel: f.enum({ zh: '计划档位', en: 'Plan level' }, planLevels, { list: true }),
    thresholdPercent: f.decimal({ zh: '超额门槛(%)', en: 'Threshold (%)' }, { min: 0, max: 1000 }),
    clawbackDays: f.int({ zh: '追回期(天)', en: 'Clawback days' }, { max: 3650 }),
    effectiveFrom: f.date({ zh: '生效日期', en: 'Effective from' }, { required: true, list: true, filter: true }),
    effectiveTo: f.date({ zh: '失效日期', en: 'Effective to' }, { list: true }),
    description: f.textarea({ zh: '说明', en: 'Description' }, { max: 2000 }),
    orgId: f.ref({ zh: '适用机构', en: 'Organisation' }, 'organisation', { required: true, filter: true }),
    // Versions: POST /api/incentive-policies/:id/revise ends this rule the day before the new one starts.
    ruleVersion: f.int({ zh: '规则版本', en: 'Rule version' }, { readOnly: true, list: true }),
    previousVersionId: f.ref({ zh: '上一版本', en: 'Previous version' }, 'incentivePolicy', { readOnly: true }),
  },
});
