import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';

export const trainingCourse = defineEntity({
  name: 'trainingCourse',
  plural: 'training-courses',
  label: { zh: '培训课程', en: 'Training courses' },
  group: 'org',
  codePrefix: 'TC',
  attachments: true,
  titleField: 'name',
  hasSortIndex: true,
  scope: { org: 'orgId' },
  fields: {
    name: f.text({ zh: '培训课程', en: 'Course' }, { required: true, max: 100, list: true, search: true }),
    planId: f.ref({ zh: '培训计划', en: 'Plan' }, 'trainingPlan', { list: true, filter: true }),
    trainer: f.text({ zh: '讲师', en: 'Trainer' }, { max: 50, list: true }),
    sessionAt: f.datetime({ zh: '上课时间', en: 'Session time' }, { list: true, sortable: true, filter: true }),
    location: f.text({ zh: '地点', en: 'Location' }, { max: 200 }),
    durationHours: f.decimal({ zh: '学时', en: 'Hours' }, { min: 0, max: 1000, list: true }),
    passMark: f.int({ zh: '及格分', en: 'Pass mark' }, { max: 100, list: true }),
    content: f.textarea({ zh: '课程内容', en: 'Content' }, { max: 4000 }),
    materials: f.textarea({ zh: '培训材料', en: 'Materials' }, { max: 2000 }),
    orgId: f.ref({ zh: '组织机构', en: 'Organisation' }, 'organisation', { required: true, filter: true }),
  },
  related: [
    { entity: 'trainingSession', field: 'courseId', label: { zh: '培训场次', en: 'Sessions' } },
    { entity: 'trainingEnrolment', field: 'courseId', label: { zh: '报名与成绩', en: 'Enrolments' } },
  ],
});
