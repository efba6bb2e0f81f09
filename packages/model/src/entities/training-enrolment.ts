import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';

export const enrolmentStatuses = [
  { value: 'enrolled', label: { zh: '已报名', en: 'Enrolled' }, color: 'blue' },
  { value: 'completed', label: { zh: '已完成', en: 'Completed' }, color: 'green' },
  { value: 'failed', label: { zh: '未通过', en: 'Failed' }, color: 'red' },
  { value: 'absent', label: { zh: '缺席', en: 'Absent' }, color: 'default' },
];

export const trainingEnrolment = defineEntity({
  name: 'trainingEnrolment',
  plural: 'training-enrolments',
  label: { zh: '培训结果', en: 'Training results' },
  group: 'org',
  codePrefix: 'TE',
  titleField: 'code',
  statuses: enrolmentStatuses,
  pickableStatus: ['enrolled', 'completed'],
  scope: { org: 'orgId', owner: { field: 'salespersonId', actorKey: 'salespersonId' } },
  fields: {
    courseId: f.ref({ zh: '培训课程', en: 'Course' }, 'trainingCourse', { required: true, list: true, filter: true }),
    sessionId: f.ref({ zh: '培训场次', en: 'Session' }, 'trainingSession', { list: true, filter: true }),
    salespersonId: f.ref({ zh: '学员', en: 'Trainee' }, 'salesperson', { required: true, list: true, filter: true }),
    attended: f.bool({ zh: '出勤', en: 'Attended' }, { list: true, filter: true }),
    score: f.decimal({ zh: '考试成绩', en: 'Score' }, { min: 0, max: 100, list: true, sortable: true }),
    completedAt: f.date({ zh: '完成日期', en: 'Completed on' }, { readOnly: true, list: true }),
    passed: f.bool({ zh: '考试通过', en: 'Passed' }, { readOnly: true, list: true, filter: true }),
    feedbackRating: f.int({ zh: '培训评分', en: 'Rating' }, { min: 1, max: 5, list: true, help: { zh: '学员对本次培训的评分 1-5', en: "The trainee's rating of the session, 1-5" } }),
    feedback: f.textarea({ zh: '培训反馈', en: 'Feedback' }, { max: 2000 }),
    orgId: f.ref({ zh: '组织机构', en: 'Organisation' }, 'organisation', { required: true, filter: true }),
  },
});
