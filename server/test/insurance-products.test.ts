import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/platform/clock.ts';
import { act, buildPolicy, buildSigning, createCustomerBorn, createProduct, createSigning, expectStatus } from './insurance-factories.ts';
import { type ScopeFixture, buildScopeFixture } from './scope-fixture.ts';
import { type TestApp, buildTestApp, countRows } from './test-app.ts';

let app: TestApp;
let fx: ScopeFixture;
/** Ages 18-60, sum insured 10,000-1,000,000, on sale. */
let productId: number;
let adultId: number;

beforeAll(async () => {
  app = await buildTestApp({ clock: new ManualClock() });
  fx = await buildScopeFixture(app);
  productId = (await createProduct(fx.admin)).id as number;
  adultId = (await customerOfA('1990-03-15')).id as number;
});
afterAll(() => app.close());

const customerOfA = (birthDate: string) => createCustomerBorn(fx.admin, birthDate, { orgId: fx.teamX1, ownerId: fx.salespeople.a });
const signingInput = (overrides: Record<string, unknown>) => buildSigning({ customerId: adultId, productId, ...overrides });
const policyInput = (overrides: Record<string, unknown>) => buildPolicy({ applicantId: adultId, productId, orgId: fx.teamX1, ...overrides });

async function setProductStatus(id: number, status: string) {
  const current = (await fx.admin.request('GET', `/api/products/${id}`)).body;
  expectStatus(await fx.admin.request('PATCH', `/api/products/${id}`, { status, version: current.version }), 200, `product ${status}`);
}

describe('a product off sale', () => {
  it('refuses new signings and policies with productId product_off_sale, writing nothing', async () => {
    const offSale = (await createProduct(fx.admin, { status: 'offSale' })).id as number;
    const signingsBefore = await countRows(app, 'signings');
    const signing = await fx.users.a.request('POST', '/api/signings', signingInput({ productId: offSale }));
    expect(signing.status).toBe(400);
    expect(signing.body.code).toBe('VALIDATION');
    expect(signing.body.reasons).toEqual({ productId: 'product_off_sale' });
    expect(signing.body.fields.productId).toEqual(expect.any(String));
    const policy = await fx.admin.request('POST', '/api/policies', policyInput({ productId: offSale }));
    expect(policy.status).toBe(400);
    expect(policy.body.reasons).toEqual({ productId: 'product_off_sale' });
    expect(await countRows(app, 'signings')).toBe(signingsBefore);
    expect(await countRows(app, 'policies', `product_id = ${offSale}`)).toBe(0);
  });

  it('stops a draft written while it was on sale at submission, and again at approval', async () => {
    const product = (await createProduct(fx.admin)).id as number;
    const draft = await createSigning(fx.users.a, { customerId: adultId, productId: product });
    await setProductStatus(product, 'offSale');
    const submit = await act(fx.users.a, 'signings', draft.id, 'submit');
    expect(submit.status).toBe(400);
    expect(submit.body.reasons).toEqual({ productId: 'product_off_sale' });
    await setProductStatus(product, 'onSale');
    expectStatus(await act(fx.users.a, 'signings', draft.id, 'submit'), 200, 'submit');
    expectStatus(await act(fx.users.managerX, 'signings', draft.id, 'underwrite'), 200, 'underwrite');
    await setProductStatus(product, 'offSale');
    const approve = await act(fx.users.managerX, 'signings', draft.id, 'approve');
    expect(approve.status).toBe(400);
    expect(approve.body.reasons).toEqual({ productId: 'product_off_sale' });
    expect((await fx.admin.request('GET', `/api/signings/${draft.id}`)).body).toMatchObject({ status: 'underwriting', policyId: null });
    expect(await countRows(app, 'policies', `signing_id = ${draft.id}`)).toBe(0);
  });

  it('treats a product not yet reviewed like one off sale', async () => {
    const unreviewed = (await createProduct(fx.admin, { status: 'unreviewed' })).id as number;
    const response = await fx.users.a.request('POST', '/api/signings', signingInput({ productId: unreviewed }));
    expect(response.status).toBe(400);
    expect(response.body.reasons).toEqual({ productId: 'product_off_sale' });
  });
});

describe('the insurable age, taken on the start date', () => {
  it.each([
    ['turns 18 on the start date', '2008-06-01', '2026-06-01', 201],
    ['is 17, one day short of 18', '2008-06-02', '2026-06-01', 400],
    ['is 17 today but 18 by a later start date', '2008-06-15', '2026-07-01', 201],
    ['is 60, the day before turning 61', '1965-06-02', '2026-06-01', 201],
    ['turns 61 on the start date', '1965-06-01', '2026-06-01', 400],
    ['is 60 today but 61 by a later start date', '1965-06-20', '2026-07-01', 400],
  ])('applies to an insured who %s (%s, start %s → %i)', async (_label, birthDate, startDate, status) => {
    const insuredId = (await customerOfA(birthDate)).id as number;
    const endDate = `${Number(startDate.slice(0, 4)) + 1}${startDate.slice(4)}`;
    const signing = await fx.users.a.request('POST', '/api/signings', signingInput({ insuredId, startDate, endDate }));
    expect(signing.status).toBe(status);
    const policy = await fx.admin.request('POST', '/api/policies', policyInput({ insuredId, startDate, endDate }));
    expect(policy.status).toBe(status);
    if (status === 400) {
      expect(signing.body.reasons).toEqual({ insuredId: 'age_outside_product_range' });
      expect(policy.body.reasons).toEqual({ insuredId: 'age_outside_product_range' });
    }
  });

  it('judges the applicant when no separate insured is named', async () => {
    const minorId = (await customerOfA('2012-01-01')).id as number;
    const signing = await fx.users.a.request('POST', '/api/signings', buildSigning({ customerId: minorId, productId }));
    expect(signing.status).toBe(400);
    expect(signing.body.reasons).toEqual({ customerId: 'age_outside_product_range' });
    const policy = await fx.admin.request('POST', '/api/policies', buildPolicy({ applicantId: minorId, productId, orgId: fx.teamX1 }));
    expect(policy.status).toBe(400);
    expect(policy.body.reasons).toEqual({ applicantId: 'age_outside_product_range' });
  });

  it('refuses moving a policy’s start date so that the insured falls outside the age range', async () => {
    const insuredId = (await customerOfA('1965-07-01')).id as number;
    const policy = expectStatus(await fx.admin.request('POST', '/api/policies', policyInput({ insuredId })), 201, 'policy').body;
    const moved = await fx.admin.request('PATCH', `/api/policies/${policy.id}`, { startDate: '2026-07-01', version: policy.version });
    expect(moved.status).toBe(400);
    expect(moved.body.reasons).toEqual({ insuredId: 'age_outside_product_range' });
    expect((await fx.admin.request('GET', `/api/policies/${policy.id}`)).body.startDate).toBe('2026-06-01');
  });
});

describe('the sum-insured range', () => {
  it.each([
    [9_999.99, 400],
    [10_000, 201],
    [1_000_000, 201],
    [1_000_000.01, 400],
  ])('answers a sum insured of %d with %i on signings and policies', async (sumInsured, status) => {
    const signing = await fx.users.a.request('POST', '/api/signings', signingInput({ sumInsured }));
    expect(signing.status).toBe(status);
    const policy = await fx.admin.request('POST', '/api/policies', policyInput({ sumInsured }));
    expect(policy.status).toBe(status);
    if (status === 400) {
      expect(signing.body.reasons).toEqual({ sumInsured: 'sum_insured_outside_range' });
      expect(policy.body.reasons).toEqual({ sumInsured: 'sum_insured_outside_range' });
    } else {
      expect(signing.body.sumInsured).toBe(sumInsured);
    }
  });

  it('refuses raising a draft signing’s sum insured past the maximum', async () => {
    const draft = await createSigning(fx.users.a, { customerId: adultId, productId });
    const response = await fx.users.a.request('PATCH', `/api/signings/${draft.id}`, { sumInsured: 2_000_000, version: draft.version });
    expect(response.status).toBe(400);
    expect(response.body.reasons).toEqual({ sumInsured: 'sum_insured_outside_range' });
  });

  it('names every broken term at once', async () => {
    const offSale = (await createProduct(fx.admin, { status: 'offSale' })).id as number;
    const minorId = (await customerOfA('2015-05-05')).id as number;
    const response = await fx.users.a.request('POST', '/api/signings', signingInput({ productId: offSale, insuredId: minorId, sumInsured: 5_000_000 }));
    expect(response.status).toBe(400);
    expect(response.body.reasons).toEqual({ productId: 'product_off_sale', insuredId: 'age_outside_product_range', sumInsured: 'sum_insured_outside_range' });
  });
});

describe('products without limits and the insurance type', () => {
  it('accepts any age and sum insured when the product sets no limits, and takes the insurance type from the product', async () => {
    const open = (await createProduct(fx.admin, { insuranceType: 'accident', minAge: null, maxAge: null, sumInsuredMin: null, sumInsuredMax: null })).id as number;
    const infantId = (await customerOfA('2026-01-01')).id as number;
    const signing = await fx.users.a.request('POST', '/api/signings', signingInput({ productId: open, insuredId: infantId, sumInsured: 50_000_000 }));
    expect(signing.status).toBe(201);
    expect(signing.body.insuranceType).toBe('accident');
  });

  it('refuses a policy ending before it starts', async () => {
    const response = await fx.admin.request('POST', '/api/policies', policyInput({ startDate: '2026-06-01', endDate: '2026-05-31' }));
    expect(response.status).toBe(400);
    expect(response.body.reasons).toEqual({ endDate: 'end_before_start' });
  });
});
