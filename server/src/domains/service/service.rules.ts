/** Pure rules of the service processes (table-tested without a database). */

export type QuestionType = 'rating' | 'nps' | 'choice' | 'text';
export interface Question {
  key: string;
  type: QuestionType;
  label: string;
  options?: string[];
  required?: boolean;
}

/** Why a template's questions JSON is unusable (null when it is fine). */
export function questionsProblem(raw: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return 'questions_not_json';
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || parsed.length > 50) return 'questions_invalid';
  const keys = new Set<string>();
  for (const item of parsed as Record<string, unknown>[]) {
    if (!item || typeof item !== 'object') return 'questions_invalid';
    if (typeof item.key !== 'string' || !/^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(item.key) || keys.has(item.key)) return 'questions_invalid';
    keys.add(item.key);
    if (!['rating', 'nps', 'choice', 'text'].includes(String(item.type))) return 'questions_invalid';
    if (typeof item.label !== 'string' || !item.label.trim() || item.label.length > 200) return 'questions_invalid';
    if (item.type === 'choice' && (!Array.isArray(item.options) || item.options.length < 2 || item.options.some((option) => typeof option !== 'string' || !option))) return 'questions_invalid';
  }
  return null;
}

export const parseQuestions = (raw: string): Question[] => JSON.parse(raw) as Question[];

export interface ScoredAnswers {
  answers: Record<string, string | number>;
  /** Average of the rating answers (1-5), null without any. */
  csat: number | null;
  /** The first NPS answer (0-10), null without any. */
  nps: number | null;
}

/**
 * Checks answers against the questions (each rating 1-5, NPS 0-10, choice one of its options, text up to
 * 2,000 characters; questions not marked optional must be answered) and scores them; field reasons on failure.
 */
export function scoreAnswers(questions: Question[], input: Record<string, unknown>): ScoredAnswers | Record<string, { reason: string; params?: Record<string, unknown> }> {
  const problems: Record<string, { reason: string; params?: Record<string, unknown> }> = {};
  const answers: Record<string, string | number> = {};
  for (const key of Object.keys(input)) if (!questions.some((question) => question.key === key)) problems[`answers.${key}`] = { reason: 'unknown_field' };
  const ratings: number[] = [];
  let nps: number | null = null;
  for (const question of questions) {
    const value = input[question.key];
    const path = `answers.${question.key}`;
    if (value === undefined || value === null || value === '') {
      if (question.required !== false && question.type !== 'text') problems[path] = { reason: 'required' };
      continue;
    }
    if (question.type === 'rating' || question.type === 'nps') {
      const [min, max] = question.type === 'rating' ? [1, 5] : [0, 10];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        problems[path] = { reason: 'score_out_of_range', params: { min, max } };
        continue;
      }
      answers[question.key] = value;
      if (question.type === 'rating') ratings.push(value);
      else nps ??= value;
    } else if (question.type === 'choice') {
      if (typeof value !== 'string' || !question.options?.includes(value)) problems[path] = { reason: 'invalid_value' };
      else answers[question.key] = value;
    } else {
      if (typeof value !== 'string' || value.length > 2000) problems[path] = { reason: 'too_long', params: { max: 2000 } };
      else answers[question.key] = value.trim();
    }
  }
  if (Object.keys(problems).length) return problems;
  const csat = ratings.length ? Math.round((ratings.reduce((sum, rating) => sum + rating, 0) / ratings.length) * 100) / 100 : null;
  return { answers, csat, nps };
}

export const isScored = (result: ReturnType<typeof scoreAnswers>): result is ScoredAnswers => 'answers' in result && 'csat' in result;

/** A low score opens a ticket: an average rating at or below the template's threshold, or a detractor NPS (0-6). */
export const isLowScore = (csat: number | null, nps: number | null, threshold: number) => (csat !== null && csat <= threshold) || (nps !== null && nps <= 6);

export interface SatisfactionFigures {
  surveys: number;
  /** Surveys with a rating; CSAT is the share of them averaging 4 or more, in percent. */
  rated: number;
  satisfied: number;
  csat: number | null;
  averageRating: number | null;
  /** Surveys with an NPS answer; NPS = % promoters (9-10) − % detractors (0-6). */
  npsAnswers: number;
  promoters: number;
  passives: number;
  detractors: number;
  nps: number | null;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

export function satisfactionFigures(rows: { csat: number | null; nps: number | null }[]): SatisfactionFigures {
  const rated = rows.filter((row) => row.csat !== null);
  const satisfied = rated.filter((row) => row.csat! >= 4).length;
  const scored = rows.filter((row) => row.nps !== null);
  const promoters = scored.filter((row) => row.nps! >= 9).length;
  const detractors = scored.filter((row) => row.nps! <= 6).length;
  return {
    surveys: rows.length,
    rated: rated.length,
    satisfied,
    csat: rated.length ? round1((satisfied / rated.length) * 100) : null,
    averageRating: rated.length ? Math.round((rated.reduce((sum, row) => sum + row.csat!, 0) / rated.length) * 100) / 100 : null,
    npsAnswers: scored.length,
    promoters,
    passives: scored.length - promoters - detractors,
    detractors,
    nps: scored.length ? round1(((promoters - detractors) / scored.length) * 100) : null,
  };
}

/**
 * A working calendar (serviceCalendar): working weekdays (1 = Monday … 7 = Sunday), one window of working
 * hours a day in the calendar's time zone, holidays taken off and make-up working days (调休) put on.
 */
export interface WorkingCalendar {
  workDays: number[];
  startMinute: number;
  endMinute: number;
  utcOffsetMinutes: number;
  holidays: Set<string>;
  extraWorkdays: Set<string>;
}

/** Dates of a holiday / make-up day list: separated by commas, semicolons, spaces or new lines. */
export const parseDayList = (text: unknown) => (typeof text === 'string' ? text.split(/[\s,，;；]+/).filter(Boolean) : []);

const isIsoDay = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00.000Z`).toISOString().slice(0, 10) === value;

/** The first entry of a day list that is not a real YYYY-MM-DD date, or null. */
export const dayListProblem = (text: unknown) => parseDayList(text).find((value) => !isIsoDay(value)) ?? null;

const minutesOf = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

export function workingCalendar(row: { workDays: string; dayStart: string; dayEnd: string; utcOffsetMinutes: number; holidays?: string | null; extraWorkdays?: string | null }): WorkingCalendar {
  return {
    workDays: [...new Set(row.workDays.split(',').map(Number))],
    startMinute: minutesOf(row.dayStart),
    endMinute: minutesOf(row.dayEnd),
    utcOffsetMinutes: row.utcOffsetMinutes,
    holidays: new Set(parseDayList(row.holidays)),
    extraWorkdays: new Set(parseDayList(row.extraWorkdays)),
  };
}

const dayMs = 86_400_000;

/** Whether a local calendar day (YYYY-MM-DD) is a working day: a make-up day always, else a working weekday that is no holiday. */
export function isWorkingDay(calendar: WorkingCalendar, day: string): boolean {
  if (calendar.extraWorkdays.has(day)) return true;
  const weekday = ((new Date(`${day}T00:00:00.000Z`).getUTCDay() + 6) % 7) + 1;
  return calendar.workDays.includes(weekday) && !calendar.holidays.has(day);
}

/**
 * The instant `hours` of working time after `start`: time outside working hours, on non-working weekdays and
 * on holidays does not count; a start outside working hours counts from the next opening. Ten years without
 * enough working time (an impossible calendar) is an error.
 */
export function addWorkingTime(start: Date, hours: number, calendar: WorkingCalendar): Date {
  let remaining = Math.round(hours * 3_600_000);
  const offset = calendar.utcOffsetMinutes * 60_000;
  let local = start.getTime() + offset;
  for (let days = 0; days < 3660; days++) {
    const dayStart = Math.floor(local / dayMs) * dayMs;
    if (isWorkingDay(calendar, new Date(dayStart).toISOString().slice(0, 10))) {
      const from = Math.max(local, dayStart + calendar.startMinute * 60_000);
      const close = dayStart + calendar.endMinute * 60_000;
      if (from < close) {
        if (remaining <= close - from) return new Date(from + remaining - offset);
        remaining -= close - from;
      }
    }
    local = dayStart + dayMs;
  }
  throw new Error('the working calendar has no working time');
}

export interface SlaTargets {
  responseHours: number;
  resolutionHours: number;
  /** Hours count in this calendar's working time; none: round the clock. */
  calendar?: WorkingCalendar | null;
}

/** Response and resolution deadlines of a ticket opened at `openedAt` under an SLA (hours may be fractional). */
export function slaDeadlines(openedAt: Date, sla: SlaTargets | null) {
  if (!sla) return { responseDueAt: null, resolutionDueAt: null };
  const after = (hours: number) => (sla.calendar ? addWorkingTime(openedAt, hours, sla.calendar) : new Date(openedAt.getTime() + hours * 3_600_000)).toISOString();
  return { responseDueAt: after(sla.responseHours), resolutionDueAt: after(sla.resolutionHours) };
}

const ticketFinished = new Set(['resolved', 'closed']);

/** Which targets an open ticket has missed at `now`: the response target if nobody responded in time (a late response stays late), the resolution target until resolved. */
export function ticketBreaches(ticket: { status: string; responseDueAt: string | null; resolutionDueAt: string | null; respondedAt: string | null }, now: Date) {
  const open = !ticketFinished.has(ticket.status);
  const response = open && ticket.responseDueAt !== null && (ticket.respondedAt === null ? now : new Date(ticket.respondedAt)) > new Date(ticket.responseDueAt);
  const resolution = open && ticket.resolutionDueAt !== null && new Date(ticket.resolutionDueAt) < now;
  return { response, resolution };
}

/** Return on a campaign's cost: (premium − cost) / cost, null when nothing was spent. */
export const campaignRoi = (premium: number, cost: number) => (cost > 0 ? Math.round(((premium - cost) / cost) * 10_000) / 10_000 : null);
