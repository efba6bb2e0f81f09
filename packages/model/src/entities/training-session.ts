import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';

export const trainingSessionStatuses = [
  { value: 'planned', label: { zh: '待开课', en: 'Planned' }, color: 'blue' },
  { value: 'held', label: { zh: '已开课', en: 'Held' }, color: 'green' },
  { value: 'cancelled', label: { zh: '已取消', en: 'Cancelled' }, color: 'default' },
];

/** One class of a course: when, where and by whom; trainees enrol per session (SPEC §2 item 19). */
export const trainingSession = defineEntity({
  name: 'trainingSession',
  plural: 'training-sessions',
  label: { zh: '培训场次', en: 'Training sessions' },
  group: 'org',
  codePrefix: 'TS',
  titleField: 'name',
  statuses: trainingSessionStatuses,
  pickableStatus: ['planned', 'held'],
  scope: { org: 'orgId' },
  fields: {
    courseId: f.ref({ zh: '培训课程', en: 'Course' }, 'trainingCourse', { required: true, list: true, filter: true }),
    name: f.text({ zh: '场次名称', en: 'Session' }, { required: true, max: 100, list: true, search: true }),
    startsAt: f.datetime({ zh: '开始时间', en: 'Starts' }, { required: true, list: true, filter: true, sortable: true }),
    endsAt: f.datetime({ zh: '结束时间', en: 'Ends' }, { list: true }),
    location: f.text({ zh: '地点', en: 'Location' }, { max: 200, list: true }),
    trainer: f.text({ zh: '讲师', en: 'Trainer' }, { max: 50, list: true, filter: true }),
    capacity: f.int({ zh: '名额', en: 'Places' }, { min: 1, max: 10_000, list: true, example: '30', help: { zh: '为空表示不限', en: 'Empty: no limit' } }),
    orgId: f.ref({ zh: '组织机构', en: 'Organisation' }, 'organisation', { required: true, filter: true }),
  },
  related: [{ entity: 'trainingEnrolment', field: 'sessionId', label: { zh: '报名与出勤', en: 'Enrolments and attendance' } }],
});
