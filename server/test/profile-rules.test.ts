import { describe, expect, it } from 'vitest';
import { ageBandOf, computeProfile, type ProfileInput } from '../src/domains/profile/compute.ts';
import { defaultProfileSettings as settings } from '../src/domains/profile/settings.ts';

const today = '2026-06-01';

/** A customer with every completeness field filled, no policies and no history. */
function person(overrides: Partial<ProfileInput['customer']> = {}, rest: Partial<Omit<ProfileInput, 'customer'>> = {}): ProfileInput {
  return {
    customer: {
      id: 1,
      birthDate: '1986-03-10',
      maritalStatus: 'married',
      province: '浙江省',
      city: '杭州市',
      occupation: '软件工程师',
      incomeBand: '100k-300k',
      filled: Object.fromEntries(['gender', 'birthDate', 'idNumber', 'phone', 'province', 'city', 'homeAddress', 'occupation', 'employer', 'education', 'maritalStatus', 'incomeBand'].map((field) => [field, true])),
      ...overrides,
    },
    policies: [],
    externalPolicies: [],
    household: [],
    claims: [],
    tickets: [],
    surveys: [],
    lastInteractionAt: null,
    ...rest,
  };
}

let policyId = 0;
function policy(type: string, overrides: Partial<ProfileInput['policies'][number]> = {}): ProfileInput['policies'][number] {
  policyId++;
  return {
    id: policyId,
    policyNo: `P${policyId}`,
    applicant: true,
    insured: true,
    hasInsured: true,
    insuranceType: type,
    status: 'inForce',
    startDate: '2025-01-01',
    endDate: '2026-12-31',
    premium: 3000,
    sumInsured: 100_000,
    paymentFrequency: 'annual',
    nextDueDate: '2027-01-01',
    ...overrides,
  };
}

describe('age band and life stage', () => {
  it('bands ages by the configured bounds', () => {
    expect([ageBandOf(0, settings.ageBands), ageBandOf(17, settings.ageBands), ageBandOf(18, settings.ageBands), ageBandOf(40, settings.ageBands), ageBandOf(66, settings.ageBands)]).toEqual(['0-17', '0-17', '18-25', '36-45', '66+']);
  });

  it('counts the birthday exactly', () => {
    const before = computeProfile(person({ birthDate: '1986-06-02' }), settings, today);
    const on = computeProfile(person({ birthDate: '1986-06-01' }), settings, today);
    expect([before.columns.age, on.columns.age]).toEqual([39, 40]);
    expect(on.details.why.ageBand!).toEqual({ rule: 'age_from_birth_date', data: { birthDate: '1986-06-01', age: 40, band: '36-45' } });
  });

  it('without a birth date: age unknown, life stage from the household or unknown', () => {
    const alone = computeProfile(person({ birthDate: null, maritalStatus: null }), settings, today);
    expect(alone.columns).toMatchObject({ age: null, age_band: 'unknown', life_stage: 'unknown' });
    expect(alone.details.why.ageBand!.rule).toBe('age_unknown');
    expect(alone.details.why.lifeStage!.rule).toBe('life_stage_unknown');
    const parent = computeProfile(person({ birthDate: null }, { household: [{ customerId: 9, relation: 'child', birthDate: '2018-01-01' }] }), settings, today);
    expect(parent.columns.life_stage).toBe('parent');
  });

  it('stages: minor, parent, couple, young single, pre-retirement, retired', () => {
    const stage = (input: ProfileInput) => computeProfile(input, settings, today).columns.life_stage;
    expect(stage(person({ birthDate: '2012-01-01', maritalStatus: null }))).toBe('minor');
    expect(stage(person({}, { household: [{ customerId: 2, relation: 'child', birthDate: '2015-05-05' }] }))).toBe('parent');
    // an adult child does not make a parent of minors
    expect(stage(person({}, { household: [{ customerId: 2, relation: 'child', birthDate: '2000-05-05' }] }))).toBe('couple');
    expect(stage(person({ maritalStatus: 'single' }))).toBe('youngSingle');
    expect(stage(person({ birthDate: '1970-01-01' }))).toBe('preRetirement');
    expect(stage(person({ birthDate: '1950-01-01' }))).toBe('retired');
  });

  it('household composition: size, minors, spouse; a child of unknown age is not counted as a minor', () => {
    const profile = computeProfile(
      person({}, { household: [{ customerId: 2, relation: 'spouse', birthDate: '1987-01-01' }, { customerId: 3, relation: 'child', birthDate: '2019-01-01' }, { customerId: 4, relation: 'child', birthDate: null }] }),
      settings,
      today,
    );
    expect(profile.columns).toMatchObject({ household_size: 4, minor_children: 1, has_spouse: true });
    expect(profile.details.why.household!.data).toMatchObject({ size: 4, minors: 1, hasSpouse: true, childrenOfUnknownAge: 1 });
  });
});

describe('region, occupation class, income band', () => {
  it('occupation class by keyword, default class 1, unknown without text', () => {
    expect(computeProfile(person({ occupation: '货车司机' }), settings, today).details.why.occupationClass!).toEqual({ rule: 'occupation_keyword', data: { occupation: '货车司机', keyword: '货车', class: 5 } });
    expect(computeProfile(person({ occupation: '会计' }), settings, today).columns.occupation_class).toBe(1);
    expect(computeProfile(person({ occupation: null }), settings, today).columns.occupation_class).toBeNull();
  });

  it('region and income come from the record, with their rule', () => {
    const profile = computeProfile(person(), settings, today);
    expect(profile.columns).toMatchObject({ region: '浙江省', income_band: '100k-300k' });
    expect(profile.details.why.incomeBand!).toEqual({ rule: 'income_declared', data: { band: '100k-300k', assumedIncome: 200_000 } });
    expect(computeProfile(person({ province: null }), settings, today).details.why.region!.rule).toBe('region_unknown');
  });
});

describe('value tier (RFM)', () => {
  it('no policy: prospect', () => {
    expect(computeProfile(person(), settings, today).columns).toMatchObject({ value_tier: 'prospect', rfm_score: 0, policy_count: 0 });
  });

  it('scores recency, frequency, monetary and tenure; cancelled policies do not count', () => {
    const policies = [
      policy('life', { startDate: '2015-03-01', premium: 20_000 }),
      policy('health', { startDate: '2020-03-01', premium: 5_000 }),
      policy('accident', { startDate: '2026-03-01', premium: 6_000 }),
      policy('auto', { status: 'cancelled', premium: 100_000 }),
    ];
    const profile = computeProfile(person({}, { policies }), settings, today);
    // recency 92 days (≤180: 5), frequency 3 (≥3: 3), monetary 31,000 (≥30,000: 5), tenure 11 years (≥10: 5)
    expect(profile.details.rfm).toEqual({ recency: 5, frequency: 3, monetary: 5, tenure: 5 });
    expect(profile.columns).toMatchObject({ rfm_score: 18, value_tier: 'platinum', total_premium: 31_000, tenure_years: 11, policy_count: 3, active_policy_count: 3 });
    expect(profile.details.why.valueTier!.rule).toBe('tier_rfm');
  });

  it('tiers follow the configured thresholds', () => {
    const policies = [policy('health', { startDate: '2026-01-01', premium: 1_000 })];
    const strict = { ...settings, tiers: [{ tier: 'vip', minScore: 9 }, { tier: 'standard', minScore: 0 }] };
    expect(computeProfile(person({}, { policies }), settings, today).columns.value_tier).toBe('bronze');
    expect(computeProfile(person({}, { policies }), strict, today).columns.value_tier).toBe('standard');
  });
});

describe('holdings and coverage gaps', () => {
  it('holdings count in-force own cover and unexpired external policies; expired ones are listed as excluded', () => {
    const profile = computeProfile(
      person(
        {},
        {
          policies: [policy('health'), policy('life', { status: 'expired', endDate: '2026-01-01' }), policy('accident', { insured: false, hasInsured: true })],
          externalPolicies: [
            { id: 1, insurer: '他司A', insuranceType: 'criticalIllness', sumInsured: 300_000, endDate: null },
            { id: 2, insurer: '他司B', insuranceType: 'life', sumInsured: 500_000, endDate: '2026-05-31' },
          ],
        },
      ),
      settings,
      today,
    );
    expect(profile.details.holdings).toEqual({ health: { own: 1, external: 0, sumInsured: 100_000 }, criticalIllness: { own: 0, external: 1, sumInsured: 300_000 } });
    expect(profile.columns.holding_types).toBe(',criticalIllness,health,');
    expect((profile.details.why.holdings!.data.expiredExternal as unknown[]).length).toBe(1);
  });

  it('a parent of minors without life cover; anyone without medical cover', () => {
    const household = [{ customerId: 5, relation: 'child', birthDate: '2020-01-01' }];
    const profile = computeProfile(person({}, { household, policies: [policy('accident'), policy('criticalIllness')] }), settings, today);
    expect(profile.details.gaps.map((gap) => gap.code)).toEqual(['no_medical', 'parent_no_life']);
    expect(profile.columns).toMatchObject({ gap_codes: ',no_medical,parent_no_life,', gap_count: 2 });
    const covered = computeProfile(person({}, { household, policies: [policy('accident'), policy('criticalIllness'), policy('health'), policy('life')] }), settings, today);
    expect(covered.details.gaps).toEqual([]);
    expect(covered.details.why.gaps!.rule).toBe('gaps_none');
  });

  it('an expired policy leaves the gap open', () => {
    const profile = computeProfile(person({ maritalStatus: 'single' }, { policies: [policy('health', { status: 'expired', endDate: '2026-03-01' }), policy('accident')] }), settings, today);
    expect(profile.columns.gap_codes).toBe(',no_medical,');
  });

  it('risky occupation: accident cover below N × income', () => {
    const input = person({ occupation: '建筑工人', maritalStatus: 'single', incomeBand: '50k-100k' }, { policies: [policy('health'), policy('accident', { sumInsured: 200_000 })] });
    const profile = computeProfile(input, settings, today);
    expect(profile.details.gaps).toEqual([{ code: 'accident_below_income', insuranceType: 'accident', why: { rule: 'gap_accident_below_income', data: { occupationClass: 5, accidentSumInsured: 200_000, income: 75_000, multiple: 5, required: 375_000 } } }]);
    input.policies.push(policy('accident', { sumInsured: 200_000 }));
    expect(computeProfile(input, settings, today).details.gaps).toEqual([]);
    // an office worker with the same cover has no such gap
    expect(computeProfile(person({ occupation: '会计', maritalStatus: 'single', incomeBand: '50k-100k' }, { policies: [policy('health'), policy('accident', { sumInsured: 10 })] }), settings, today).details.gaps).toEqual([]);
  });
});

describe('renewal / lapse risk, satisfaction, engagement, completeness', () => {
  it('adds the signals up, each with its data', () => {
    const input = person({}, {
      policies: [policy('health', { nextDueDate: '2026-05-01' })],
      tickets: [{ id: 1, type: 'complaint', status: 'inProgress', satisfaction: null, createdAt: '2025-01-01T00:00:00.000Z' }],
      surveys: [{ id: 1, csat: 2, answeredAt: '2025-02-01T00:00:00.000Z' }],
    });
    const profile = computeProfile(input, settings, today);
    expect(profile.details.risk.map((signal) => [signal.signal, signal.points])).toEqual([
      ['late_payments', 25],
      ['no_recent_contact', 15],
      ['open_complaints', 20],
      ['low_survey_score', 15],
      ['single_product', 10],
    ]);
    expect(profile.columns).toMatchObject({ lapse_risk: 85, lapse_risk_level: 'high', open_complaints: 1, satisfaction: 2, engagement_level: 'dormant' });
  });

  it('no in-force policy: no renewal risk', () => {
    expect(computeProfile(person({}, { policies: [policy('health', { status: 'expired' })] }), settings, today).columns).toMatchObject({ lapse_risk: 0, lapse_risk_level: 'none' });
  });

  it('engagement from the last contact; satisfaction averages surveys and ticket ratings', () => {
    const profile = computeProfile(
      person({}, { lastInteractionAt: '2026-05-20T08:00:00.000Z', surveys: [{ id: 1, csat: 5, answeredAt: '2026-01-01T00:00:00.000Z' }], tickets: [{ id: 1, type: 'praise', status: 'closed', satisfaction: 4, createdAt: '2026-02-01T00:00:00.000Z' }] }),
      settings,
      today,
    );
    expect(profile.columns).toMatchObject({ engagement_level: 'active', last_contact_at: '2026-05-20T08:00:00.000Z', satisfaction: 4.5 });
    expect(computeProfile(person(), settings, today).columns).toMatchObject({ engagement_level: 'none', satisfaction: null });
  });

  it('completeness lists the missing fields', () => {
    const profile = computeProfile(person({ filled: { phone: true, birthDate: true, gender: true } }), settings, today);
    expect(profile.columns.completeness).toBe(25);
    expect(profile.details.why.completeness!.data.missing).toEqual(['idNumber', 'province', 'city', 'homeAddress', 'occupation', 'employer', 'education', 'maritalStatus', 'incomeBand']);
  });

  it('claims this year and the next expiry', () => {
    const profile = computeProfile(
      person({}, {
        policies: [policy('health', { endDate: '2026-06-20' }), policy('life', { endDate: '2030-01-01' }), policy('auto', { status: 'expired', endDate: '2026-05-01' })],
        claims: [{ id: 1, incidentAt: '2026-02-01T00:00:00.000Z', status: 'paid' }, { id: 2, incidentAt: '2025-12-31T00:00:00.000Z', status: 'paid' }],
      }),
      settings,
      today,
    );
    expect(profile.columns).toMatchObject({ claim_count: 2, claims_this_year: 1, next_expiry_date: '2026-06-20' });
    expect(profile.details.why.nextExpiry!.data).toMatchObject({ days: 19 });
  });
});
