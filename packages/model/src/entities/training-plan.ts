import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';

export const trainingPlanStatuses = [
  { value: 'planned', label: { zh: '计划中', en: 'Planned' }, color: 'blue' },
  { value: 'active', label: { zh: '进行中', en: 'Active' }, color: 'processing' },
  { value: 'finished', label: { zh: '已完成', en: 'Finished' }, color: 'green' },
];

export const trainingPlan = defineEntity({
  name: 'trainingPlan',
  plural: 'training-plans',
  label: { zh: '培训计划', en: 'Training plans' },
  group: 'org',
  codePrefix: 'TP',
  titleField: 'name',
  hasSortIndex: true,
  statuses: trainingPlanStatuses,
  pickableStatus: ['planned', 'active'],
  scope: { org: 'orgId' },
  fields: {
    name: f.text({ zh: '培训计划', en: 'Plan' }, { required: true, max: 100, list: true, search: true }),
    targetRoles: f.text({ zh: '培训对象', en: 'Audience' }, { max: 200, list: true }),
    startDate: f.date({ zh: '开始日期', en: 'Start' }, { required: true, list: true, filter: true, sortable: true }),
    endDate: f.date({ zh: '结束日期', en: 'End' }, { list: true }),
    content: f.textarea({ zh: '培训内容', en: 'Content' }, { max: 4000 }),
    orgId: f.ref({ zh: '组织机构', en: 'Organisation' }, 'organisation', { required: true, list: true, filter: true }),
  },
  related: [{ entity: 'trainingCourse', field: 'planId', label: { zh: '培训课程', en: 'Courses' } }],
});
