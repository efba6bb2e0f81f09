import { buildCustomer, type Input, validIdNumber } from './factories.ts';
import { type ApiResponse, type Client, type TestApp, rawRows } from './test-app.ts';

/** The day every insurance suite starts on (ManualClock default: 2026-06-01T09:00Z). */
export const today = '2026-06-01';
export const startOfTest = new Date(`${today}T09:00:00.000Z`);
export const dayMs = 86_400_000;

let sequence = 0;
const next = () => {
  sequence += 1;
  return `${process.pid}${String(sequence).padStart(4, '0')}`;
};

async function created(client: Client, url: string, body: Input) {
  const response = await client.request('POST', url, body);
  if (response.status !== 201) throw new Error(`POST ${url} as ${client.loginName}: ${response.status} ${response.text}`);
  return response.body;
}

/** Throws with the answer when a setup step that must succeed did not. */
export function expectStatus(response: ApiResponse, status: number, label: string): ApiResponse {
  if (response.status !== status) throw new Error(`${label}: expected ${status}, got ${response.status} ${response.text}`);
  return response;
}

/** On sale, ages 18-60, sum insured 10,000-1,000,000. */
export function buildProduct(overrides: Input = {}): Input {
  return {
    name: `测试产品${next()}`,
    insuranceType: 'health',
    insurer: '测试保险公司',
    insurancePeriod: '1年',
    sumInsuredMin: 10_000,
    sumInsuredMax: 1_000_000,
    minAge: 18,
    maxAge: 60,
    basePremium: 1_200,
    coverage: '住院医疗',
    status: 'onSale',
    ...overrides,
  };
}

export const createProduct = (client: Client, overrides: Input = {}) => created(client, '/api/products', buildProduct(overrides));

/** A customer born on a given date (ID number to match). */
export const createCustomerBorn = (client: Client, birthDate: string, overrides: Input & { orgId: number }) =>
  created(client, '/api/customers', buildCustomer({ birthDate, idNumber: validIdNumber(birthDate), ...overrides }));

/** A one-year annual-premium signing starting today; the applicant is the insured unless insuredId is given. */
export function buildSigning(overrides: Input & { customerId: number; productId: number }): Input {
  return {
    signingNo: `SG${next()}`,
    insurer: '测试保险公司',
    signingDate: today,
    amount: 3_600,
    sumInsured: 200_000,
    startDate: today,
    endDate: '2027-05-31',
    paymentFrequency: 'annual',
    ...overrides,
  };
}

export const createSigning = (client: Client, overrides: Input & { customerId: number; productId: number }) => created(client, '/api/signings', buildSigning(overrides));

/** One workflow move: POST /api/<plural>/:id/actions/<action>. */
export const act = (client: Client, plural: string, id: unknown, action: string, body: Input = {}) => client.request('POST', `/api/${plural}/${id}/actions/${action}`, body);

/** Walks a draft signing through submit (by its writer) and underwriting (by the approver). */
export async function submitForUnderwriting(writer: Client, approver: Client, signingId: number): Promise<void> {
  expectStatus(await act(writer, 'signings', signingId, 'submit'), 200, 'submit');
  expectStatus(await act(approver, 'signings', signingId, 'underwrite'), 200, 'underwrite');
}

/** Draft → issued; returns the issued signing (its policyId names the new policy). */
export async function issueSigning(writer: Client, approver: Client, signingId: number): Promise<Record<string, any>> {
  await submitForUnderwriting(writer, approver, signingId);
  return expectStatus(await act(approver, 'signings', signingId, 'approve'), 200, 'approve').body;
}

/** A one-year policy written directly (pending until activated), annual premium from today. */
export function buildPolicy(overrides: Input & { applicantId: number; productId: number }): Input {
  return {
    policyNo: `PT${next()}`,
    insuranceType: 'health',
    startDate: today,
    endDate: '2027-05-31',
    premium: 3_600,
    sumInsured: 100_000,
    paymentFrequency: 'annual',
    nextDueDate: '2027-06-01',
    ...overrides,
  };
}

/** Creates a policy and, unless told otherwise, puts it in force. */
export async function createPolicy(client: Client, overrides: Input & { applicantId: number; productId: number }, options: { activate?: boolean } = {}) {
  const policy = await created(client, '/api/policies', buildPolicy(overrides));
  if (options.activate === false) return policy;
  return expectStatus(await act(client, 'policies', policy.id, 'activate'), 200, 'activate policy').body;
}

/** A medical claim on a policy, reported now for an incident inside the default policy period. */
export function buildClaim(overrides: Input & { policyId: number }): Input {
  return {
    claimNo: `CL${next()}`,
    reporter: '报案人',
    claimType: 'medical',
    incidentAt: `${today}T12:00:00.000Z`,
    requestedAmount: 10_000,
    cause: '住院治疗',
    ...overrides,
  };
}

export const createClaim = (client: Client, overrides: Input & { policyId: number }) => created(client, '/api/claims', buildClaim(overrides));

/** A custom role (e.g. a claims clerk who may report but not approve claims); returns its id. */
export async function createRole(admin: Client, name: string, dataScope: 'own' | 'org' | 'all', permissions: string[]): Promise<number> {
  return (await created(admin, '/api/roles', { name, dataScope, permissions })).id as number;
}

/** Outbox rows of a topic, payloads parsed. */
export async function outboxRows(app: TestApp, topic: string): Promise<{ key: string; payload: Record<string, unknown> }[]> {
  const rows = await rawRows<{ idempotency_key: string; payload: unknown }>(app, `select idempotency_key, payload from outbox where topic = '${topic}' order by id`);
  return rows.map((row) => ({ key: row.idempotency_key, payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : (row.payload as Record<string, unknown>) }));
}

/** Audit rows of a module and action, changes parsed. */
export async function auditRows(app: TestApp, module: string, action: string): Promise<{ recordId: number | null; actorName: string; changes: Record<string, any> }[]> {
  const rows = await rawRows<{ record_id: unknown; actor_name: string; changes: unknown }>(app, `select record_id, actor_name, changes from audit_logs where module = '${module}' and action = '${action}' order by id`);
  return rows.map((row) => ({
    recordId: row.record_id == null ? null : Number(row.record_id),
    actorName: row.actor_name,
    changes: typeof row.changes === 'string' ? JSON.parse(row.changes) : (row.changes as Record<string, any>),
  }));
}

/** The timeline of a workflow record as [action, from, to] triples. */
export async function timelineMoves(client: Client, plural: string, id: unknown): Promise<[string, string | null, string][]> {
  const response = expectStatus(await client.request('GET', `/api/${plural}/${id}/timeline`), 200, 'timeline');
  return (response.body.items as { action: string; from: string | null; to: string }[]).map((item) => [item.action, item.from, item.to]);
}
