import { z } from 'zod';
import type { DB } from '../../db/database.ts';

const insuranceType = z.enum(['life', 'health', 'criticalIllness', 'accident', 'annuity', 'property', 'auto', 'liability', 'other']);
const lifeStage = z.enum(['minor', 'youngSingle', 'couple', 'parent', 'preRetirement', 'retired', 'unknown']);

/** Every threshold the profile rules use; admins change them through PUT /api/profiles/settings. */
const settingsShape = z.strictObject({
  /** Upper bounds (inclusive) of the age bands, youngest first; the last band is open-ended. */
  ageBands: z.array(z.number().int().min(1).max(120)).min(1).max(12),
  /** Adult age: household members under it count as minors. */
  adultAge: z.number().int().min(14).max(21),
  preRetirementAge: z.number().int().min(30).max(80),
  retirementAge: z.number().int().min(40).max(90),
  /** Occupation classes 1-6 (职业类别) by keyword in the occupation text; first match wins, unmatched: class 1 if text is present. */
  occupationClasses: z.array(z.strictObject({ class: z.number().int().min(1).max(6), keywords: z.array(z.string().trim().min(1).max(20)).max(100) })).max(6),
  /** From this class up the occupation is risky (accident-cover rule). */
  riskyOccupationClass: z.number().int().min(1).max(6),
  /** Accident cover a risky occupation needs, as a multiple of annual income. */
  accidentIncomeMultiple: z.number().min(0).max(100),
  /** Annual income assumed for each income band (yuan). */
  incomeByBand: z.record(z.string(), z.number().min(0)),
  /** Insurance types each life stage needs (the needs model). */
  needs: z.record(lifeStage, z.array(insuranceType).max(9)),
  /** RFM: score 1-5 per dimension; each array holds the four lower bounds of scores 2..5. */
  rfm: z.strictObject({
    recencyDays: z.array(z.number().min(0)).length(4),
    frequency: z.array(z.number().min(0)).length(4),
    monetaryYuan: z.array(z.number().min(0)).length(4),
    tenureYears: z.array(z.number().min(0)).length(4),
  }),
  /** Tiers by total RFM score (4-20), highest first; customers without any policy are 'prospect'. */
  tiers: z.array(z.strictObject({ tier: z.string().trim().min(1).max(20).regex(/^[A-Za-z0-9_-]+$/), minScore: z.number().int().min(0).max(20) })).min(1).max(8),
  /** Points each risk signal adds to the renewal/lapse risk score (0-100). */
  risk: z.strictObject({
    perLatePayment: z.number().min(0).max(100),
    maxLatePayments: z.number().min(0).max(100),
    noContactDays: z.number().int().min(1).max(3650),
    noContact: z.number().min(0).max(100),
    perOpenComplaint: z.number().min(0).max(100),
    maxOpenComplaints: z.number().min(0).max(100),
    lowSurveyScore: z.number().min(1).max(5),
    lowSurvey: z.number().min(0).max(100),
    singleProduct: z.number().min(0).max(100),
    mediumFrom: z.number().min(0).max(100),
    highFrom: z.number().min(0).max(100),
  }),
  /** Engagement level by days since the last contact. */
  engagement: z.strictObject({ activeDays: z.number().int().min(1), dormantDays: z.number().int().min(1) }),
});

type Issue = { path: (string | number)[]; reason: string };
const increasing = (values: number[]) => values.every((value, index) => index === 0 || value > values[index - 1]!);
const decreasing = (values: number[]) => values.every((value, index) => index === 0 || value < values[index - 1]!);

/** Rules between fields, each reported on the field to change (the settings page shows it there). */
function crossFieldIssues(settings: z.infer<typeof settingsShape>): Issue[] {
  const issues: Issue[] = [];
  if (!increasing(settings.ageBands)) issues.push({ path: ['ageBands'], reason: 'not_ascending' });
  if (settings.preRetirementAge <= settings.adultAge) issues.push({ path: ['preRetirementAge'], reason: 'not_ascending' });
  if (settings.retirementAge <= settings.preRetirementAge) issues.push({ path: ['retirementAge'], reason: 'not_ascending' });
  settings.occupationClasses.forEach((entry, index) => {
    if (settings.occupationClasses.findIndex((other) => other.class === entry.class) !== index) issues.push({ path: ['occupationClasses', index, 'class'], reason: 'duplicate' });
  });
  // Recency is scored by days since the last purchase: fewer days score higher, so its bounds fall.
  if (!decreasing(settings.rfm.recencyDays)) issues.push({ path: ['rfm', 'recencyDays'], reason: 'not_descending' });
  for (const key of ['frequency', 'monetaryYuan', 'tenureYears'] as const) if (!increasing(settings.rfm[key])) issues.push({ path: ['rfm', key], reason: 'not_ascending' });
  settings.tiers.forEach((entry, index) => {
    if (settings.tiers.findIndex((other) => other.tier === entry.tier) !== index) issues.push({ path: ['tiers', index, 'tier'], reason: 'duplicate' });
    else if (settings.tiers.findIndex((other) => other.minScore === entry.minScore) !== index) issues.push({ path: ['tiers', index, 'minScore'], reason: 'duplicate' });
  });
  if (settings.risk.highFrom <= settings.risk.mediumFrom) issues.push({ path: ['risk', 'highFrom'], reason: 'not_ascending' });
  if (settings.engagement.dormantDays <= settings.engagement.activeDays) issues.push({ path: ['engagement', 'dormantDays'], reason: 'not_ascending' });
  return issues;
}

export const profileSettingsSchema = settingsShape.superRefine((settings, context) => {
  for (const issue of crossFieldIssues(settings)) context.addIssue({ code: 'custom', path: issue.path, message: issue.reason });
});

export type ProfileSettings = z.infer<typeof profileSettingsSchema>;

export const defaultProfileSettings: ProfileSettings = {
  ageBands: [17, 25, 35, 45, 55, 65],
  adultAge: 18,
  preRetirementAge: 50,
  retirementAge: 65,
  occupationClasses: [
    { class: 6, keywords: ['矿', '爆破', '高空', '潜水', '消防'] },
    { class: 5, keywords: ['建筑', '电工', '焊工', '渔', '货车', '卡车'] },
    { class: 4, keywords: ['司机', '驾驶', '快递', '外卖', '保安', '工人', '厨师', 'driver', 'construction'] },
    { class: 3, keywords: ['销售', '记者', '农', '维修', 'sales'] },
    { class: 2, keywords: ['医生', '护士', '教师', '工程师', 'doctor', 'nurse', 'teacher', 'engineer'] },
  ],
  riskyOccupationClass: 4,
  accidentIncomeMultiple: 5,
  incomeByBand: { lt50k: 30_000, '50k-100k': 75_000, '100k-300k': 200_000, '300k-1m': 600_000, gt1m: 1_500_000 },
  needs: {
    minor: ['health', 'accident'],
    youngSingle: ['health', 'accident'],
    couple: ['health', 'accident', 'life'],
    parent: ['health', 'accident', 'life', 'criticalIllness'],
    preRetirement: ['health', 'criticalIllness', 'annuity'],
    retired: ['health'],
    unknown: ['health'],
  },
  rfm: {
    recencyDays: [1095, 730, 365, 180],
    frequency: [2, 3, 5, 8],
    monetaryYuan: [2_000, 5_000, 10_000, 30_000],
    tenureYears: [1, 3, 5, 10],
  },
  tiers: [
    { tier: 'platinum', minScore: 17 },
    { tier: 'gold', minScore: 13 },
    { tier: 'silver', minScore: 9 },
    { tier: 'bronze', minScore: 0 },
  ],
  risk: {
    perLatePayment: 25,
    maxLatePayments: 50,
    noContactDays: 180,
    noContact: 15,
    perOpenComplaint: 20,
    maxOpenComplaints: 40,
    lowSurveyScore: 3,
    lowSurvey: 15,
    singleProduct: 10,
    mediumFrom: 30,
    highFrom: 60,
  },
  engagement: { activeDays: 90, dormantDays: 365 },
};

const parse = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, unknown>;

/** The stored settings over the defaults (a setting added later keeps its default until changed). */
export async function loadProfileSettings(db: DB): Promise<ProfileSettings> {
  const row = await db.selectFrom('profile_settings').select('value').where('key', '=', 'rules').executeTakeFirst();
  if (!row) return defaultProfileSettings;
  return { ...defaultProfileSettings, ...parse(row.value) } as ProfileSettings;
}
