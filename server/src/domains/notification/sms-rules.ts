import type { Config } from '../../config.ts';
import type { DB } from '../../db/database.ts';

export type ReminderKind = 'birthday' | 'policyExpiry' | 'premiumDue' | 'anniversary' | 'claimProgress' | 'signingSuccess' | 'licenceExpiry';

export interface RuleSettings {
  /** policyExpiry: days before the end date (e.g. 60, 30, 7); premiumDue / licenceExpiry: one entry. */
  daysBefore?: number[];
}

export interface SmsRule {
  kind: ReminderKind;
  enabled: boolean;
  settings: RuleSettings;
  /** False where the data the rule needs does not exist (kept for rules declared ahead of their data). */
  available: boolean;
}

export const defaultRules: SmsRule[] = [
  { kind: 'birthday', enabled: true, settings: {}, available: true },
  { kind: 'policyExpiry', enabled: true, settings: { daysBefore: [60, 30, 7] }, available: true },
  { kind: 'premiumDue', enabled: true, settings: { daysBefore: [7] }, available: true },
  { kind: 'anniversary', enabled: true, settings: {}, available: true },
  { kind: 'claimProgress', enabled: true, settings: {}, available: true },
  { kind: 'signingSuccess', enabled: true, settings: {}, available: true },
  // To the salesperson, from their qualification records (valid until), before the licence lapses.
  { kind: 'licenceExpiry', enabled: true, settings: { daysBefore: [30] }, available: true },
];

export const reminderKindList = defaultRules.map((rule) => rule.kind);

const parseJson = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value) as RuleSettings;

/** The rules as saved, defaults for kinds never saved. */
export async function loadRules(db: DB): Promise<SmsRule[]> {
  const rows = await db.selectFrom('sms_rules').selectAll().execute();
  return defaultRules.map((rule) => {
    const row = rows.find((candidate) => candidate.kind === rule.kind);
    return row ? { ...rule, enabled: Boolean(row.enabled) && rule.available, settings: { ...rule.settings, ...parseJson(row.settings) } } : rule;
  });
}

export async function ruleFor(db: DB, kind: ReminderKind): Promise<SmsRule> {
  return (await loadRules(db)).find((rule) => rule.kind === kind)!;
}

/** Local calendar date (the business's time zone, SMS_UTC_OFFSET_MINUTES) of an instant. */
export const localDate = (config: Config, at: Date) => new Date(at.getTime() + config.SMS_UTC_OFFSET_MINUTES * 60_000).toISOString().slice(0, 10);
export const localHour = (config: Config, at: Date) => new Date(at.getTime() + config.SMS_UTC_OFFSET_MINUTES * 60_000).getUTCHours();

/** Inside the quiet hours (e.g. 21:00–08:00 local), the wrap past midnight included. */
export function inQuietHours(config: Config, at: Date): boolean {
  const hour = localHour(config, at);
  const { SMS_QUIET_START_HOUR: start, SMS_QUIET_END_HOUR: end } = config;
  if (start === end) return false;
  return start < end ? hour >= start && hour < end : hour >= start || hour < end;
}

/** The next end of the quiet hours after `at` (the morning send time), as an instant. */
export function nextMorning(config: Config, at: Date): Date {
  const offset = config.SMS_UTC_OFFSET_MINUTES * 60_000;
  const local = new Date(at.getTime() + offset);
  const candidate = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), config.SMS_QUIET_END_HOUR) - offset);
  return candidate > at ? candidate : new Date(candidate.getTime() + 86_400_000);
}

/** Billed segments: 70 characters in one message, 67 per part once it is split (GSM rules for Chinese text). */
export const smsSegments = (content: string) => {
  const length = [...content].length;
  return length <= 70 ? 1 : Math.ceil(length / 67);
};
