import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';
import { priorities } from '../enums/sales.ts';
import { feedbackTypes } from './feedback.ts';

/** Response and resolution targets of service tickets, one row per type and priority (SPEC §2 item 5). */
export const ticketSla = defineEntity({
  name: 'ticketSla',
  plural: 'ticket-slas',
  label: { zh: '工单时限', en: 'Ticket SLA targets' },
  group: 'customers',
  codePrefix: 'SLA',
  titleField: 'code',
  fields: {
    type: f.enum({ zh: '工单类型', en: 'Ticket type' }, feedbackTypes, { required: true, list: true, filter: true }),
    priority: f.enum({ zh: '优先级', en: 'Priority' }, priorities, { required: true, list: true, filter: true }),
    responseHours: f.decimal({ zh: '响应时限(小时)', en: 'Response within (hours)' }, { required: true, min: 0.25, max: 720, list: true }),
    resolutionHours: f.decimal({ zh: '解决时限(小时)', en: 'Resolution within (hours)' }, { required: true, min: 0.25, max: 8760, list: true }),
    // Empty: hours count round the clock; a calendar: only its working time counts.
    calendarId: f.ref({ zh: '工作日历', en: 'Working calendar' }, 'serviceCalendar', { list: true, filter: true, help: { zh: '为空按自然时间计算；选择后只计工作时间', en: 'Empty: clock hours; with a calendar, working hours only' } }),
  },
});
