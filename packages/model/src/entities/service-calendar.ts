import { defineEntity } from '../entity.ts';
import { f } from '../field.ts';

const clockTime = '^([01][0-9]|2[0-3]):[0-5][0-9]$';
const dayList = { zh: '日期以逗号或换行分隔，如 2026-10-01,2026-10-02', en: 'Dates separated by commas or new lines, e.g. 2026-10-01,2026-10-02' };

/**
 * A working calendar for service targets: working days and hours in a time zone, public holidays off and
 * make-up working days (调休) on. Ticket SLA rows that name one count their hours in its working time.
 */
export const serviceCalendar = defineEntity({
  name: 'serviceCalendar',
  plural: 'service-calendars',
  label: { zh: '工作日历', en: 'Working calendars' },
  group: 'customers',
  codePrefix: 'CAL',
  titleField: 'name',
  fields: {
    name: f.text({ zh: '日历名称', en: 'Name' }, { required: true, max: 60, list: true, search: true }),
    workDays: f.text({ zh: '工作日', en: 'Working days' }, { required: true, max: 13, pattern: '^[1-7](,[1-7]){0,6}$', defaultValue: '1,2,3,4,5', example: '1,2,3,4,5', list: true, help: { zh: '1=周一 … 7=周日，逗号分隔', en: '1 = Monday … 7 = Sunday, comma separated' } }),
    dayStart: f.text({ zh: '上班时间', en: 'Day starts' }, { required: true, max: 5, pattern: clockTime, defaultValue: '09:00', example: '09:00', list: true }),
    dayEnd: f.text({ zh: '下班时间', en: 'Day ends' }, { required: true, max: 5, pattern: clockTime, defaultValue: '18:00', example: '18:00', list: true }),
    utcOffsetMinutes: f.int({ zh: '时区(分钟)', en: 'UTC offset (minutes)' }, { required: true, min: -720, max: 840, defaultValue: 480, example: '480', help: { zh: '北京时间为 480', en: 'China Standard Time is 480' } }),
    holidays: f.textarea({ zh: '节假日', en: 'Holidays' }, { max: 4000, help: dayList, example: '2026-10-01,2026-10-02' }),
    extraWorkdays: f.textarea({ zh: '调休上班日', en: 'Make-up working days' }, { max: 2000, help: dayList, example: '2026-10-10' }),
  },
});
