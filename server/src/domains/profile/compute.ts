import type { ProfileSettings } from './settings.ts';

/** What one customer's profile is computed from (gathered set-wise by refresh.ts; hand-built in tests). */
export interface ProfileInput {
  customer: {
    id: number;
    birthDate: string | null;
    maritalStatus: string | null;
    province: string | null;
    city: string | null;
    occupation: string | null;
    incomeBand: string | null;
    /** Field name → whether it holds a value (completeness). */
    filled: Record<string, boolean>;
  };
  /** Policies where the customer is the applicant or the insured (not deleted). Amounts in yuan. */
  policies: {
    id: number;
    policyNo: string;
    applicant: boolean;
    insured: boolean;
    /** The policy names an insured (the customer or someone else). */
    hasInsured: boolean;
    insuranceType: string;
    status: string;
    startDate: string | null;
    endDate: string | null;
    premium: number;
    sumInsured: number;
    paymentFrequency: string | null;
    nextDueDate: string | null;
  }[];
  externalPolicies: { id: number; insurer: string; insuranceType: string; sumInsured: number; endDate: string | null }[];
  /** Live household members; relation is what the member is to the customer (child: the member is their child). */
  household: { customerId: number; relation: string; birthDate: string | null }[];
  claims: { id: number; incidentAt: string; status: string }[];
  tickets: { id: number; type: string; status: string; satisfaction: number | null; createdAt: string }[];
  surveys: { id: number; csat: number | null; answeredAt: string | null }[];
  lastInteractionAt: string | null;
}

/** The answer to "why": a rule (translated in the UI: profile.rules.<rule>) and the data it used. */
export interface Why {
  rule: string;
  data: Record<string, unknown>;
}

export interface Gap {
  code: string;
  insuranceType: string;
  why: Why;
}

export interface ComputedProfile {
  columns: {
    age: number | null;
    age_band: string;
    life_stage: string;
    household_size: number;
    minor_children: number;
    has_spouse: boolean;
    region: string | null;
    occupation_class: number | null;
    income_band: string | null;
    value_tier: string;
    rfm_score: number;
    total_premium: number;
    tenure_years: number;
    policy_count: number;
    active_policy_count: number;
    holding_types: string;
    gap_codes: string;
    gap_count: number;
    lapse_risk: number;
    lapse_risk_level: string;
    satisfaction: number | null;
    last_contact_at: string | null;
    engagement_level: string;
    completeness: number;
    claim_count: number;
    claims_this_year: number;
    open_complaints: number;
    next_expiry_date: string | null;
  };
  details: {
    why: Record<string, Why>;
    holdings: Record<string, { own: number; external: number; sumInsured: number }>;
    gaps: Gap[];
    rfm: { recency: number; frequency: number; monetary: number; tenure: number } | null;
    risk: { signal: string; points: number; data: Record<string, unknown> }[];
  };
}

/** Profile fields a customer record should have (completeness). */
export const completenessFields = ['gender', 'birthDate', 'idNumber', 'phone', 'province', 'city', 'homeAddress', 'occupation', 'employer', 'education', 'maritalStatus', 'incomeBand'] as const;

const activePolicy = new Set(['inForce']);
const openTicket = new Set(['new', 'assigned', 'inProgress']);
const dayMs = 86_400_000;

const daysBetween = (from: string, to: string) => Math.floor((Date.parse(to.slice(0, 10)) - Date.parse(from.slice(0, 10))) / dayMs);

export function ageOn(birthDate: string, today: string): number {
  const [by, bm, bd] = birthDate.slice(0, 10).split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

export function ageBandOf(age: number | null, bounds: number[]): string {
  if (age === null) return 'unknown';
  let lower = 0;
  for (const upper of bounds) {
    if (age <= upper) return `${lower}-${upper}`;
    lower = upper + 1;
  }
  return `${lower}+`;
}

/** Occupation keywords, highest class first, lower-cased once per settings object. */
const keywordCache = new WeakMap<ProfileSettings, { keyword: string; lower: string; class: number }[]>();
function occupationKeywords(settings: ProfileSettings) {
  let list = keywordCache.get(settings);
  if (!list) {
    list = [...settings.occupationClasses].sort((a, b) => b.class - a.class).flatMap((entry) => entry.keywords.map((keyword) => ({ keyword, lower: keyword.toLowerCase(), class: entry.class })));
    keywordCache.set(settings, list);
  }
  return list;
}

/** Score 1..5 from four ascending lower bounds (higher is better). */
const scoreUp = (value: number, bounds: number[]) => 1 + bounds.filter((bound) => value >= bound).length;

const round2 = (value: number) => Math.round(value * 100) / 100;

export function computeProfile(input: ProfileInput, settings: ProfileSettings, today: string): ComputedProfile {
  const why: Record<string, Why> = {};
  const { customer } = input;

  // Age band
  const age = customer.birthDate ? ageOn(customer.birthDate, today) : null;
  const ageBand = ageBandOf(age, settings.ageBands);
  why.ageBand = age === null ? { rule: 'age_unknown', data: {} } : { rule: 'age_from_birth_date', data: { birthDate: customer.birthDate!.slice(0, 10), age, band: ageBand } };

  // Household
  const members = input.household.map((member) => ({ ...member, age: member.birthDate ? ageOn(member.birthDate, today) : null }));
  const minors = members.filter((member) => member.relation === 'child' && member.age !== null && member.age < settings.adultAge);
  const childrenOfUnknownAge = members.filter((member) => member.relation === 'child' && member.age === null).length;
  const hasSpouse = members.some((member) => member.relation === 'spouse');
  why.household = {
    rule: members.length ? 'household_members' : 'household_alone',
    data: { size: members.length + 1, minors: minors.length, hasSpouse, childrenOfUnknownAge, members: members.map((member) => ({ customerId: member.customerId, relation: member.relation, age: member.age })) },
  };

  // Life stage (first rule that applies)
  const stages: [boolean, string, string, Record<string, unknown>][] = [
    [age !== null && age < settings.adultAge, 'minor', 'life_stage_minor', { age, adultAge: settings.adultAge }],
    [minors.length > 0, 'parent', 'life_stage_parent', { minors: minors.length }],
    [age !== null && age >= settings.retirementAge, 'retired', 'life_stage_retired', { age, from: settings.retirementAge }],
    [age !== null && age >= settings.preRetirementAge, 'preRetirement', 'life_stage_pre_retirement', { age, from: settings.preRetirementAge }],
    [hasSpouse || customer.maritalStatus === 'married', 'couple', 'life_stage_couple', { hasSpouse, maritalStatus: customer.maritalStatus }],
    [age !== null, 'youngSingle', 'life_stage_young_single', { age, maritalStatus: customer.maritalStatus }],
    [true, 'unknown', 'life_stage_unknown', {}],
  ];
  const [, lifeStage, stageRule, stageData] = stages.find(([applies]) => applies)!;
  why.lifeStage = { rule: stageRule, data: stageData };

  // Region, occupation class, income band
  why.region = customer.province ? { rule: 'region_from_address', data: { province: customer.province, city: customer.city } } : { rule: 'region_unknown', data: {} };
  let occupationClass: number | null = null;
  const occupation = customer.occupation?.trim() || null;
  if (!occupation) why.occupationClass = { rule: 'occupation_unknown', data: {} };
  else {
    const lower = occupation.toLowerCase();
    const match = occupationKeywords(settings).find((entry) => lower.includes(entry.lower));
    occupationClass = match?.class ?? 1;
    why.occupationClass = match ? { rule: 'occupation_keyword', data: { occupation, keyword: match.keyword, class: match.class } } : { rule: 'occupation_default', data: { occupation, class: 1 } };
  }
  const income = customer.incomeBand ? (settings.incomeByBand[customer.incomeBand] ?? null) : null;
  why.incomeBand = customer.incomeBand ? { rule: 'income_declared', data: { band: customer.incomeBand, assumedIncome: income } } : { rule: 'income_unknown', data: {} };

  // Value tier (RFM over the policies the customer pays for, and tenure)
  const paid = input.policies.filter((policy) => policy.applicant && policy.status !== 'cancelled');
  const active = paid.filter((policy) => activePolicy.has(policy.status));
  const totalPremium = round2(paid.reduce((sum, policy) => sum + policy.premium, 0));
  const starts = paid.map((policy) => policy.startDate).filter((date): date is string => !!date).sort();
  const tenureYears = starts.length ? Math.max(0, Math.floor(daysBetween(starts[0]!, today) / 365.25)) : 0;
  let valueTier = 'prospect';
  let rfmScore = 0;
  let rfm: ComputedProfile['details']['rfm'] = null;
  if (!paid.length) why.valueTier = { rule: 'tier_prospect', data: {} };
  else {
    const recencyDays = Math.max(0, daysBetween(starts[starts.length - 1] ?? today, today));
    // Recency scores higher the more recent the last purchase: bounds are day limits, largest first.
    const recency = 1 + settings.rfm.recencyDays.filter((limit) => recencyDays <= limit).length;
    rfm = { recency, frequency: scoreUp(paid.length, settings.rfm.frequency), monetary: scoreUp(totalPremium, settings.rfm.monetaryYuan), tenure: scoreUp(tenureYears, settings.rfm.tenureYears) };
    rfmScore = rfm.recency + rfm.frequency + rfm.monetary + rfm.tenure;
    valueTier = [...settings.tiers].sort((a, b) => b.minScore - a.minScore).find((tier) => rfmScore >= tier.minScore)?.tier ?? 'bronze';
    why.valueTier = { rule: 'tier_rfm', data: { tier: valueTier, score: rfmScore, ...rfm, lastPurchaseDaysAgo: recencyDays, policies: paid.length, totalPremium, tenureYears } };
  }

  // Holdings by insurance type: in-force policies covering the customer, plus external policies not expired
  const holdings: ComputedProfile['details']['holdings'] = {};
  // A policy covers its insured; one without an insured covers its applicant.
  const ownCover = input.policies.filter((policy) => activePolicy.has(policy.status) && (policy.insured || (policy.applicant && !policy.hasInsured)));
  for (const policy of ownCover) {
    const entry = (holdings[policy.insuranceType] ??= { own: 0, external: 0, sumInsured: 0 });
    entry.own++;
    entry.sumInsured = round2(entry.sumInsured + policy.sumInsured);
  }
  const liveExternal = input.externalPolicies.filter((policy) => !policy.endDate || policy.endDate.slice(0, 10) >= today);
  const expiredExternal = input.externalPolicies.filter((policy) => policy.endDate && policy.endDate.slice(0, 10) < today);
  for (const policy of liveExternal) {
    const entry = (holdings[policy.insuranceType] ??= { own: 0, external: 0, sumInsured: 0 });
    entry.external++;
    entry.sumInsured = round2(entry.sumInsured + policy.sumInsured);
  }
  const heldTypes = Object.keys(holdings).sort();
  why.holdings = {
    rule: 'holdings_in_force',
    data: {
      policies: ownCover.map((policy) => ({ policyNo: policy.policyNo, type: policy.insuranceType, sumInsured: policy.sumInsured })),
      external: liveExternal.map((policy) => ({ insurer: policy.insurer, type: policy.insuranceType, sumInsured: policy.sumInsured, endDate: policy.endDate })),
      expiredExternal: expiredExternal.map((policy) => ({ insurer: policy.insurer, type: policy.insuranceType, endDate: policy.endDate })),
    },
  };

  // Coverage gaps against the needs model of the life stage
  const gaps: Gap[] = [];
  for (const type of settings.needs[lifeStage as keyof ProfileSettings['needs']] ?? []) {
    if (holdings[type]) continue;
    const code = type === 'health' ? 'no_medical' : type === 'life' && lifeStage === 'parent' ? 'parent_no_life' : `missing_${type}`;
    gaps.push({ code, insuranceType: type, why: { rule: `gap_${code === 'no_medical' || code === 'parent_no_life' ? code : 'missing_type'}`, data: { lifeStage, type, minors: minors.length } } });
  }
  if (occupationClass !== null && occupationClass >= settings.riskyOccupationClass) {
    const accident = holdings.accident?.sumInsured ?? 0;
    if (income === null) why.accidentCover = { rule: 'accident_income_unknown', data: { occupationClass } };
    else {
      const required = income * settings.accidentIncomeMultiple;
      if (accident < required) gaps.push({ code: 'accident_below_income', insuranceType: 'accident', why: { rule: 'gap_accident_below_income', data: { occupationClass, accidentSumInsured: accident, income, multiple: settings.accidentIncomeMultiple, required } } });
    }
  }
  const gapCodes = [...new Set(gaps.map((gap) => gap.code))];
  why.gaps = { rule: gaps.length ? 'gaps_found' : 'gaps_none', data: { lifeStage, needs: settings.needs[lifeStage as keyof ProfileSettings['needs']] ?? [], held: heldTypes, gaps: gapCodes } };

  // Claims, complaints, next expiry
  const year = today.slice(0, 4);
  const claimsThisYear = input.claims.filter((claim) => claim.incidentAt.slice(0, 4) === year).length;
  why.claims = { rule: 'claims_count', data: { total: input.claims.length, thisYear: claimsThisYear, year } };
  const openComplaints = input.tickets.filter((ticket) => ticket.type === 'complaint' && openTicket.has(ticket.status));
  const upcoming = input.policies
    .filter((policy) => activePolicy.has(policy.status) && policy.endDate && policy.endDate.slice(0, 10) >= today)
    .sort((a, b) => String(a.endDate).localeCompare(String(b.endDate)))[0];
  const nextExpiry = upcoming?.endDate?.slice(0, 10) ?? null;
  why.nextExpiry = upcoming ? { rule: 'next_expiry', data: { policyNo: upcoming.policyNo, endDate: nextExpiry, days: daysBetween(today, nextExpiry!) } } : { rule: 'next_expiry_none', data: {} };

  // Engagement recency
  const contacts = [input.lastInteractionAt, ...input.surveys.map((survey) => survey.answeredAt), ...input.tickets.map((ticket) => ticket.createdAt)].filter((at): at is string => !!at).sort();
  const lastContact = contacts[contacts.length - 1] ?? null;
  const sinceContact = lastContact ? daysBetween(lastContact, today) : null;
  const engagement = sinceContact === null ? 'none' : sinceContact <= settings.engagement.activeDays ? 'active' : sinceContact <= settings.engagement.dormantDays ? 'cooling' : 'dormant';
  why.engagement = lastContact ? { rule: 'engagement_last_contact', data: { lastContactAt: lastContact, days: sinceContact, level: engagement } } : { rule: 'engagement_none', data: {} };

  // Satisfaction: surveys (CSAT) and ticket ratings
  const scores = [...input.surveys.map((survey) => survey.csat), ...input.tickets.map((ticket) => ticket.satisfaction)].filter((score): score is number => score != null);
  const satisfaction = scores.length ? round2(scores.reduce((sum, score) => sum + score, 0) / scores.length) : null;
  why.satisfaction = scores.length ? { rule: 'satisfaction_average', data: { average: satisfaction, surveys: input.surveys.filter((survey) => survey.csat != null).length, tickets: input.tickets.filter((ticket) => ticket.satisfaction != null).length } } : { rule: 'satisfaction_none', data: {} };

  // Renewal / lapse risk
  const risk: ComputedProfile['details']['risk'] = [];
  const late = paid.filter((policy) => policy.status === 'lapsed' || (activePolicy.has(policy.status) && policy.paymentFrequency !== 'single' && policy.nextDueDate && policy.nextDueDate.slice(0, 10) < today));
  if (late.length) risk.push({ signal: 'late_payments', points: Math.min(settings.risk.maxLatePayments, late.length * settings.risk.perLatePayment), data: { policies: late.map((policy) => policy.policyNo) } });
  if (sinceContact === null || sinceContact > settings.risk.noContactDays) risk.push({ signal: 'no_recent_contact', points: settings.risk.noContact, data: { days: sinceContact, limit: settings.risk.noContactDays } });
  if (openComplaints.length) risk.push({ signal: 'open_complaints', points: Math.min(settings.risk.maxOpenComplaints, openComplaints.length * settings.risk.perOpenComplaint), data: { count: openComplaints.length } });
  const lastSurvey = input.surveys.filter((survey) => survey.csat != null && survey.answeredAt).sort((a, b) => String(a.answeredAt).localeCompare(String(b.answeredAt))).pop();
  if (lastSurvey && lastSurvey.csat! < settings.risk.lowSurveyScore) risk.push({ signal: 'low_survey_score', points: settings.risk.lowSurvey, data: { csat: lastSurvey.csat, below: settings.risk.lowSurveyScore } });
  if (active.length === 1) risk.push({ signal: 'single_product', points: settings.risk.singleProduct, data: { policyNo: active[0]!.policyNo } });
  const lapseRisk = active.length ? Math.min(100, Math.round(risk.reduce((sum, signal) => sum + signal.points, 0))) : 0;
  const riskLevel = !active.length ? 'none' : lapseRisk >= settings.risk.highFrom ? 'high' : lapseRisk >= settings.risk.mediumFrom ? 'medium' : 'low';
  why.lapseRisk = active.length ? { rule: 'risk_signals', data: { score: lapseRisk, level: riskLevel, signals: risk } } : { rule: 'risk_no_active_policy', data: {} };

  // Completeness
  const missing = completenessFields.filter((field) => !customer.filled[field]);
  const completeness = Math.round(((completenessFields.length - missing.length) / completenessFields.length) * 100);
  why.completeness = { rule: 'completeness_fields', data: { percent: completeness, missing } };

  return {
    columns: {
      age,
      age_band: ageBand,
      life_stage: lifeStage,
      household_size: members.length + 1,
      minor_children: minors.length,
      has_spouse: hasSpouse,
      region: customer.province,
      occupation_class: occupationClass,
      income_band: customer.incomeBand,
      value_tier: valueTier,
      rfm_score: rfmScore,
      total_premium: totalPremium,
      tenure_years: tenureYears,
      policy_count: paid.length,
      active_policy_count: active.length,
      holding_types: heldTypes.length ? `,${heldTypes.join(',')},` : '',
      gap_codes: gapCodes.length ? `,${gapCodes.join(',')},` : '',
      gap_count: gapCodes.length,
      lapse_risk: lapseRisk,
      lapse_risk_level: riskLevel,
      satisfaction,
      last_contact_at: lastContact,
      engagement_level: engagement,
      completeness,
      claim_count: input.claims.length,
      claims_this_year: claimsThisYear,
      open_complaints: openComplaints.length,
      next_expiry_date: nextExpiry,
    },
    details: { why, holdings, gaps, rfm, risk },
  };
}
