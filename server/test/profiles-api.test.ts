import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildAllProfiles } from '../src/domains/profile/refresh.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { createCustomer } from './factories.ts';
import { act, createClaim, createCustomerBorn, createPolicy, createProduct, expectStatus, startOfTest } from './insurance-factories.ts';
import { buildScopeFixture, type ScopeFixture } from './scope-fixture.ts';
import { type Client, type TestApp, buildTestApp, rawRows } from './test-app.ts';

let app: TestApp;
let fx: ScopeFixture;
let admin: Client;
const products: Record<string, number> = {};
let parent: number;
let child: number;
let spouse: number;
let lateChild: number;
let healthPolicy: Record<string, any>;

type Profile = { computedAt: string; values: Record<string, any>; why: Record<string, { rule: string; data: Record<string, any> }>; gaps: { code: string }[]; holdings: Record<string, any>; tags: { tagId: number; name: string; source: string; since: string; reason: any }[] };
const profileOf = async (id: number, client = admin): Promise<Profile> => expectStatus(await client.request('GET', `/api/customers/${id}/profile`), 200, 'profile').body;
const post = async (url: string, body: Record<string, unknown>, client = admin) => expectStatus(await client.request('POST', url, body), 201, `POST ${url}`).body;

beforeAll(async () => {
  app = await buildTestApp({ clock: new ManualClock(startOfTest) });
  fx = await buildScopeFixture(app);
  admin = fx.admin;
  for (const type of ['health', 'life', 'accident', 'criticalIllness']) {
    products[type] = (await createProduct(admin, { insuranceType: type, minAge: 0, maxAge: 100, sumInsuredMin: 1_000, sumInsuredMax: 10_000_000 })).id;
  }
  const base = { orgId: fx.teamX1, ownerId: fx.salespeople.a };
  parent = (await createCustomerBorn(admin, '1986-03-10', { ...base, name: '父亲', maritalStatus: 'married', occupation: '建筑工人', incomeBand: '50k-100k', province: '浙江省' })).id;
  child = (await createCustomerBorn(admin, '2018-07-01', { ...base, name: '孩子' })).id;
  lateChild = (await createCustomerBorn(admin, '2019-09-09', { ...base, name: '二孩' })).id;
  spouse = (await createCustomerBorn(admin, '1987-01-01', { ...base, name: '母亲', maritalStatus: 'married' })).id;
  await post('/api/customer-relations', { customerId: parent, relatedId: child, relation: 'child' });
  await post('/api/customer-relations', { customerId: parent, relatedId: lateChild, relation: 'child' });
  await post('/api/customer-relations', { customerId: spouse, relatedId: parent, relation: 'spouse' });
});
afterAll(() => app.close());

describe('profile per customer', () => {
  it('is computed on creation and answers why', async () => {
    const profile = await profileOf(parent);
    expect(profile.values).toMatchObject({ age: 40, ageBand: '36-45', lifeStage: 'parent', householdSize: 4, minorChildren: 2, hasSpouse: true, region: '浙江省', occupationClass: 5, incomeBand: '50k-100k', valueTier: 'prospect' });
    expect(profile.why.lifeStage).toEqual({ rule: 'life_stage_parent', data: { minors: 2 } });
    expect(profile.gaps.map((gap) => gap.code)).toEqual(['no_medical', 'missing_accident', 'parent_no_life', 'missing_criticalIllness', 'accident_below_income']);
  });

  it('the household is read from both sides of a link; a child sees its parent', async () => {
    expect((await profileOf(spouse)).values).toMatchObject({ hasSpouse: true, householdSize: 2, lifeStage: 'couple' });
    const kid = await profileOf(child);
    expect(kid.values).toMatchObject({ lifeStage: 'minor', householdSize: 2 });
    expect(kid.why.household!.data.members).toEqual([{ customerId: parent, relation: 'parent', age: 40 }]);
  });

  it('a deleted household member leaves the household at once', async () => {
    expectStatus(await admin.request('DELETE', `/api/customers/${lateChild}`), 204, 'delete member');
    const profile = await profileOf(parent);
    expect(profile.values).toMatchObject({ householdSize: 3, minorChildren: 1 });
    expect(profile.why.household!.data.members.map((member: { customerId: number }) => member.customerId)).toEqual([child, spouse]);
  });

  it('deleting and restoring a customer refreshes the stored profiles of their household in the same request', async () => {
    const stored = async (id: number) => (await rawRows<{ household_size: number; minor_children: number }>(app, `select household_size, minor_children from customer_profiles where customer_id = ${id}`))[0];
    // lateChild was deleted above: the stored rows (what segments read) already left it out, not only the live view
    expect(await stored(lateChild)).toBeUndefined();
    expect(await stored(parent)).toMatchObject({ household_size: 3, minor_children: 1 });
    expectStatus(await admin.request('POST', `/api/customers/${lateChild}/restore`), 200, 'restore member');
    expect(await stored(parent)).toMatchObject({ household_size: 4, minor_children: 2 });
    expect(await stored(lateChild)).toMatchObject({ household_size: 2 });
    expect((await profileOf(parent)).values).toMatchObject({ householdSize: 4, minorChildren: 2 });
    expectStatus(await admin.request('DELETE', `/api/customers/${lateChild}`), 204, 'delete again');
    expect(await stored(parent)).toMatchObject({ household_size: 3, minor_children: 1 });
  });

  it('a policy put in force fills holdings, closes the gap and sets the value tier', async () => {
    healthPolicy = await createPolicy(admin, { applicantId: parent, insuredId: parent, productId: products.health!, startDate: '2026-06-01', endDate: '2026-06-20', premium: 3_600, sumInsured: 100_000, salespersonId: fx.salespeople.a, orgId: fx.teamX1 });
    const profile = await profileOf(parent);
    expect(profile.holdings).toEqual({ health: { own: 1, external: 0, sumInsured: 100_000 } });
    expect(profile.values).toMatchObject({ holdingTypes: ['health'], policyCount: 1, activePolicyCount: 1, totalPremium: 3_600, nextExpiryDate: '2026-06-20', valueTier: 'silver' });
    expect(profile.values.gapCodes).not.toContain('no_medical');
    expect(profile.why.valueTier!.rule).toBe('tier_rfm');
    // a pending policy covers nothing yet
    await createPolicy(admin, { applicantId: parent, insuredId: parent, productId: products.life!, sumInsured: 500_000, orgId: fx.teamX1 }, { activate: false });
    expect((await profileOf(parent)).values.gapCodes).toContain('parent_no_life');
  });

  it('external policies count while not expired', async () => {
    await post('/api/external-policies', { customerId: parent, insurer: '他司人寿', insuranceType: 'life', sumInsured: 800_000, endDate: '2026-01-31' });
    let profile = await profileOf(parent);
    expect(profile.values.gapCodes).toContain('parent_no_life');
    expect(profile.why.holdings!.data.expiredExternal).toEqual([{ insurer: '他司人寿', type: 'life', endDate: '2026-01-31' }]);
    const live = await post('/api/external-policies', { customerId: parent, insurer: '他司人寿', insuranceType: 'life', sumInsured: 800_000 });
    profile = await profileOf(parent);
    expect(profile.values.gapCodes).not.toContain('parent_no_life');
    expect(profile.holdings.life).toEqual({ own: 0, external: 1, sumInsured: 800_000 });
    // the external policy follows the customer's organisation and owner
    const [row] = await rawRows<{ org_id: number; owner_id: number }>(app, `select org_id, owner_id from external_policies where id = ${live.id}`);
    expect([Number(row!.org_id), Number(row!.owner_id)]).toEqual([fx.teamX1, fx.salespeople.a]);
  });

  it('claims, complaints and contacts move claims, risk, satisfaction and engagement', async () => {
    await createClaim(admin, { policyId: healthPolicy.id, insuredId: parent, orgId: fx.teamX1 });
    await createClaim(admin, { policyId: healthPolicy.id, insuredId: parent, orgId: fx.teamX1 });
    await post('/api/feedback', { subject: '投诉', customerId: parent, type: 'complaint', priority: 'high', content: '理赔慢', satisfaction: 2, orgId: fx.teamX1 });
    const profile = await profileOf(parent);
    expect(profile.values).toMatchObject({ claimCount: 2, claimsThisYear: 2, openComplaints: 1, satisfaction: 2, engagementLevel: 'active' });
    expect(profile.why.lapseRisk!.data.signals.map((signal: { signal: string }) => signal.signal)).toEqual(['open_complaints', 'single_product']);
    expect(profile.values.lapseRisk).toBe(30);
  });

  it('a customer without a birth date: unknown age band, completeness shows what is missing', async () => {
    const bare = (await createCustomer(admin, { orgId: fx.teamX1, birthDate: null, idNumber: null, maritalStatus: null, occupation: null, homeAddress: null })).id;
    const profile = await profileOf(bare);
    expect(profile.values).toMatchObject({ age: null, ageBand: 'unknown', lifeStage: 'unknown', occupationClass: null });
    expect(profile.why.ageBand!.rule).toBe('age_unknown');
    expect(profile.why.completeness!.data.missing).toEqual(expect.arrayContaining(['birthDate', 'idNumber', 'homeAddress', 'occupation', 'maritalStatus']));
  });

  it('stays in the data scope: another branch gets 404', async () => {
    expectStatus(await fx.users.c.request('GET', `/api/customers/${parent}/profile`), 404, 'other scope');
    expectStatus(await fx.users.a.request('GET', `/api/customers/${parent}/profile`), 200, 'own customer');
  });

  it('refuses a household link to oneself with a field reason', async () => {
    const response = await admin.request('POST', '/api/customer-relations', { customerId: parent, relatedId: parent, relation: 'spouse' });
    expect(response.status).toBe(400);
    expect(response.body.reasons).toEqual({ relatedId: 'invalid_option' });
  });
});

describe('tags', () => {
  let claimsTag: number;
  let expiryTag: number;
  let manualTag: number;

  it('rule tags go on the customers meeting them, with since when and why', async () => {
    claimsTag = (await post('/api/customer-tags', { name: '本年理赔≥2次', rule: JSON.stringify({ op: 'and', items: [{ field: 'profile.claimsThisYear', op: 'gte', value: 2 }] }) })).id;
    expiryTag = (await post('/api/customer-tags', { name: '30天内到期', rule: JSON.stringify({ op: 'and', items: [{ field: 'profile.nextExpiryDate', op: 'withinNextDays', value: 30 }] }) })).id;
    const tags = (await profileOf(parent)).tags;
    const claims = tags.find((tag) => tag.tagId === claimsTag)!;
    expect(claims).toMatchObject({ source: 'rule', since: startOfTest.toISOString(), reason: { values: { claims_this_year: 2 } } });
    expect(tags.find((tag) => tag.tagId === expiryTag)?.reason.values).toEqual({ next_expiry_date: '2026-06-20' });
    expect((await profileOf(spouse)).tags).toEqual([]);
  });

  it('are re-evaluated when the profile changes', async () => {
    const claims = await rawRows<{ id: number }>(app, `select id from claims where insured_id = ${parent} order by id`);
    expectStatus(await admin.request('DELETE', `/api/claims/${claims[0]!.id}`), 204, 'delete claim');
    expect((await profileOf(parent)).tags.map((tag) => tag.tagId)).not.toContain(claimsTag);
  });

  it('refuses a rule that does not parse, naming the condition', async () => {
    const response = await admin.request('POST', '/api/customer-tags', { name: '坏规则', rule: JSON.stringify({ op: 'and', items: [{ field: 'profile.nope', op: 'eq', value: 1 }] }) });
    expect(response.status).toBe(400);
    expect(response.body.reasons).toEqual({ 'rule.items.0.field': 'unknown_field' });
  });

  it('manual tags record since when and by whom', async () => {
    manualTag = (await post('/api/customer-tags', { name: '高端客户' })).id;
    const current = await admin.request('GET', `/api/customers/${spouse}`);
    expectStatus(await admin.request('PATCH', `/api/customers/${spouse}`, { version: current.body.version, tagIds: [manualTag] }), 200, 'tag');
    expect((await profileOf(spouse)).tags).toEqual([{ tagId: manualTag, name: '高端客户', color: 'blue', source: 'manual', since: startOfTest.toISOString(), reason: { by: expect.any(String) } }]);
  });
});

describe('a rebuild writes only the profiles whose values changed', () => {
  it('keeps the stored row of an unchanged profile and restamps the one whose data changed behind the hooks', async () => {
    type Stored = { customer_id: number; computed_at: string; values_hash: string; age: number | null };
    const read = () => rawRows<Stored>(app, 'select customer_id, computed_at, values_hash, age from customer_profiles order by customer_id');
    const before = await read();
    expect(before.every((row) => typeof row.values_hash === 'string' && row.values_hash.length > 0)).toBe(true);
    const target = before.find((row) => row.age != null && Number(row.age) < 60)!;
    // what a birthday or a data repair does: the data changes without a write through the API
    await rawRows(app, `update customers set birth_date = '1950-01-01' where id = ${Number(target.customer_id)}`);
    (app.services.clock as ManualClock).advance(60_000);
    await rebuildAllProfiles(app.services, 4);
    const after = await read();
    expect(after.map((row) => Number(row.customer_id))).toEqual(before.map((row) => Number(row.customer_id)));
    const changed = after.filter((row, index) => JSON.stringify(row) !== JSON.stringify(before[index]));
    expect(changed.map((row) => Number(row.customer_id))).toEqual([Number(target.customer_id)]);
    expect(new Date(changed[0]!.computed_at).getTime()).toBe(app.services.clock.now().getTime());
    expect(changed[0]!.values_hash).not.toBe(target.values_hash);
    expect(Number(changed[0]!.age)).toBeGreaterThanOrEqual(75);
    expect((await profileOf(Number(target.customer_id))).computedAt).toBe(app.services.clock.now().toISOString());
  });
});

describe('a rebuild while the data changes', () => {
  it('keeps what the hooks stored meanwhile: a range read before a change is computed again, not stored stale', async () => {
    const snapshot = () => rawRows(app, 'select * from customer_profiles order by customer_id');
    const live = (await rawRows<{ id: number }>(app, 'select id from customers where deleted_at is null order by id')).map((row) => Number(row.id));
    expect(live.length).toBeGreaterThan(6);
    // Ranges of two customers (read and computed by worker threads, several ranges handed out at once). Once
    // the first range is stored, the others handed out have mostly been read already: a policy for each of their
    // customers now changes the data under them, and each write's hook stores the applicant's fresh profile.
    const changed = live.filter((id) => id < live[0]! + 8);
    let first = true;
    await rebuildAllProfiles(app.services, 2, async () => {
      if (!first) return;
      first = false;
      for (const customerId of changed) await createPolicy(admin, { applicantId: customerId, productId: products.accident! });
    });
    const after = await snapshot();
    // A second rebuild with nothing changing in between finds every stored profile current.
    await rebuildAllProfiles(app.services, 2);
    expect(await snapshot()).toEqual(after);
  });
});

describe('incremental updates equal a full rebuild', () => {
  it('every stored profile and tag is what the rebuild computes', async () => {
    const snapshot = async () => ({
      profiles: await rawRows(app, 'select * from customer_profiles order by customer_id'),
      tags: await rawRows(app, 'select customer_id, tag_id, source, since from customer_tag_assignments order by customer_id, tag_id, source'),
    });
    const before = await snapshot();
    expect(before.profiles.length).toBeGreaterThan(5);
    expect(await rebuildAllProfiles(app.services, 3)).toEqual({ customers: before.profiles.length });
    expect(await snapshot()).toEqual(before);
  });
});
