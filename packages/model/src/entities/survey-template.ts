import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';
import { customerCategories } from '../enums/common.ts';
import { surveyTriggers, templateStatuses } from '../enums/service.ts';

/** A 回访 questionnaire: which customers it is for, when it is sent and its questions (JSON, checked by the server). */
export const surveyTemplate = defineEntity({
  name: 'surveyTemplate',
  plural: 'survey-templates',
  label: { zh: '回访模板', en: 'Survey templates' },
  group: 'customers',
  codePrefix: 'SVT',
  titleField: 'name',
  statuses: templateStatuses,
  pickableStatus: ['active'],
  // Shared like products: a head-office template serves every branch (automatic surveys pick the nearest one).
  fields: {
    name: f.text({ zh: '模板名称', en: 'Name' }, { required: true, max: 100, list: true, search: true }),
    customerCategory: f.enum({ zh: '客户类别', en: 'Customer category' }, customerCategories, { list: true, filter: true, help: { zh: '留空表示所有客户', en: 'Empty: every customer' } }),
    trigger: f.enum({ zh: '发送时机', en: 'Sent' }, surveyTriggers, { required: true, list: true, filter: true }),
    questions: f.textarea({
      zh: '问题(JSON)',
      en: 'Questions (JSON)',
    }, {
      required: true,
      max: 8000,
      example: '[{"key":"overall","type":"rating","label":"总体满意度"},{"key":"recommend","type":"nps","label":"推荐意愿"}]',
      help: {
        zh: '如 [{"key":"overall","type":"rating","label":"总体满意度"},{"key":"recommend","type":"nps","label":"推荐意愿"},{"key":"channel","type":"choice","label":"渠道","options":["电话","微信"]},{"key":"comment","type":"text","label":"意见"}]',
        en: 'e.g. [{"key":"overall","type":"rating","label":"Overall"},{"key":"recommend","type":"nps","label":"Recommend?"},{"key":"channel","type":"choice","label":"Channel","options":["Phone","WeChat"]},{"key":"comment","type":"text","label":"Comments"}]',
      },
    }),
    linkValidDays: f.int({ zh: '链接有效期(天)', en: 'Link valid (days)' }, { min: 1, max: 90, defaultValue: 14 }),
    lowScoreThreshold: f.int({ zh: '低分阈值(1-5)', en: 'Low-score threshold (1-5)' }, { min: 1, max: 5, defaultValue: 2, help: { zh: '满意度不高于此值或 NPS 不高于 6 时自动建工单', en: 'A rating at or below this, or an NPS of 6 or less, opens a ticket' } }),
    orgId: f.ref({ zh: '适用机构', en: 'For organisation' }, 'organisation', { required: true, list: true, filter: true, help: { zh: '自动回访选用离业务所属机构最近的模板', en: 'Automatic surveys use the template of the nearest organisation up the tree' } }),
  },
  related: [{ entity: 'survey', field: 'templateId', label: { zh: '回访记录', en: 'Surveys' } }],
});
