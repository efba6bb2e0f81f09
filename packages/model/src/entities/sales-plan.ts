import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';
import { periodTypes } from '../enums/sales.ts';

export const salesPlan = defineEntity({
  name: 'salesPlan',
  plural: 'sales-plans',
  label: { zh: '销售计划管理', en: 'Sales plans' },
  group: 'sales',
  codePrefix: 'PLN',
  titleField: 'name',
  scope: { org: 'orgId', owner: { field: 'salespersonId', actorKey: 'salespersonId' } },
  fields: {
    name: f.text({ zh: '计划名称', en: 'Name' }, { required: true, max: 100, list: true, search: true }),
    periodType: f.enum({ zh: '周期', en: 'Period' }, periodTypes, { required: true, list: true, filter: true }),
    periodStart: f.date({ zh: '开始日期', en: 'Start' }, { required: true, list: true, filter: true, sortable: true }),
    periodEnd: f.date({ zh: '结束日期', en: 'End' }, { required: true, list: true }),
    parentId: f.ref({ zh: '上级计划', en: 'Parent plan' }, 'salesPlan', { filter: true }),
    salespersonId: f.ref({ zh: '业务员', en: 'Salesperson' }, 'salesperson', { list: true, filter: true }),
    orgId: f.ref({ zh: '机构', en: 'Organisation' }, 'organisation', { required: true, list: true, filter: true }),
    premiumTarget: f.money({ zh: '保费目标', en: 'Premium target' }, { list: true }),
    premiumStretch: f.money({ zh: '保费冲刺', en: 'Premium stretch' }),
    premiumChallenge: f.money({ zh: '保费挑战', en: 'Premium challenge' }),
    policyCountTarget: f.int({ zh: '件数目标', en: 'Policy count target' }, { list: true }),
    policyCountStretch: f.int({ zh: '件数冲刺', en: 'Policy count stretch' }),
    policyCountChallenge: f.int({ zh: '件数挑战', en: 'Policy count challenge' }),
    newCustomerTarget: f.int({ zh: '新客户目标', en: 'New-customer target' }, { list: true }),
    newCustomerStretch: f.int({ zh: '新客户冲刺', en: 'New-customer stretch' }),
    newCustomerChallenge: f.int({ zh: '新客户挑战', en: 'New-customer challenge' }),
    notes: f.textarea({ zh: '计划说明', en: 'Notes' }, { max: 2000 }),
    // Written by the plan's salesperson through POST /api/sales-plans/:id/notes (they have no edit right).
    ownerNotes: f.textarea({ zh: '业务员备注', en: "Salesperson's notes" }, { max: 2000, readOnly: true }),
  },
});
