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

/** Response and resolution deadlines of a ticket opened at `openedAt` under an SLA (hours may be fractional). */
export function slaDeadlines(openedAt: Date, sla: { responseHours: number; resolutionHours: number } | null) {
  if (!sla) return { responseDueAt: null, resolutionDueAt: null };
  return {
    responseDueAt: new Date(openedAt.getTime() + sla.responseHours * 3_600_000).toISOString(),
    resolutionDueAt: new Date(openedAt.getTime() + sla.resolutionHours * 3_600_000).toISOString(),
  };
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
