import type { Entity } from '@insure/model/entity';
import type { Field } from '@insure/model/field';
import { entities, getEntity } from '@insure/model/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniquePhone, validIdNumber } from './factories.ts';
import { buildTestApp, type Client, loginAdmin, type TestApp } from './test-app.ts';

/**
 * The engine contract, generated from the declarations: every entity gets create, read, search, update
 * with version check, export, delete and restore through the HTTP API. A new declaration is covered
 * by this file without new test code.
 */
let app: TestApp;
let admin: Client;
let counter = 0;
const created = new Map<string, number>();
const building = new Set<string>();

function sampleValue(field: Field, name: string): unknown {
  counter++;
  switch (field.kind) {
    case 'text':
      if (field.example) return field.unique ? `${field.example}${counter}` : field.example;
      return `${name}-${counter}`.slice(0, field.max ?? 100);
    case 'textarea':
      return field.example ?? `备注 ${counter}`;
    case 'phone':
      return uniquePhone();
    case 'idCard':
      return validIdNumber();
    case 'email':
      return `user${counter}@example.com`;
    case 'money':
      return Math.min(1234.5, field.max ?? 1e12);
    case 'int':
      if (field.example) return Number(field.example);
      return Math.min(Math.max(field.min ?? 0, 1), field.max ?? 1);
    case 'decimal':
      return Math.min(12.5, field.max ?? 12.5);
    case 'date':
      return '2026-05-01';
    case 'datetime':
      return '2026-05-01T08:00:00.000Z';
    case 'bool':
      return true;
    case 'enum':
      // a unique choice (one settings row per pipeline stage) needs a different option each time
      return field.unique ? field.options[counter % field.options.length]!.value : field.options[0]!.value;
    case 'permissions':
      return ['customer:view'];
    default:
      return undefined;
  }
}

/** A valid create body; referenced records are created first (once per entity). */
async function sampleInput(entity: Entity): Promise<Record<string, unknown>> {
  const input: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(entity.fields)) {
    if (field.readOnly || field.hidden) continue;
    if (field.kind === 'ref' || field.kind === 'refMany') {
      const target = getEntity(field.entity);
      // A workflow record starts in its initial status; when that is not pickable it cannot be referenced yet.
      const unreachable = target.workflow && !(field.refStatuses ?? target.pickableStatus).includes(target.workflow.initial) && !field.refStatuses;
      if (field.entity === entity.name || ((building.has(field.entity) || unreachable) && !field.required)) continue;
      const id = await ensureRecord(getEntity(field.entity));
      await moveIntoStatuses(target, id, field.refStatuses);
      input[name] = field.kind === 'refMany' ? [id] : id;
      continue;
    }
    input[name] = sampleValue(field, name);
  }
  // A household link joins two different customers.
  if (entity.name === 'customerRelation') input.relatedId = (await admin.request('POST', '/api/customers', await sampleInput(getEntity('customer')))).body.id;
  return input;
}

/** A field may accept only some statuses of its target (a claim's policy must be in force or later): move there. */
async function moveIntoStatuses(entity: Entity, id: number, statuses: string[] | undefined) {
  if (!statuses || !entity.workflow) return;
  const current = (await admin.request('GET', `/api/${entity.plural}/${id}`)).body.status as string;
  if (statuses.includes(current)) return;
  const move = entity.workflow.transitions.find((transition) => transition.from.includes(current) && statuses.includes(transition.to) && !transition.requiresNote);
  if (!move) throw new Error(`no move takes a ${entity.name} from ${current} into ${statuses.join('/')}`);
  const response = await admin.request('POST', `/api/${entity.plural}/${id}/actions/${move.action}`, {});
  if (response.status !== 200) throw new Error(`${move.action} failed: ${response.text}`);
}

/**
 * Entities with a natural key (one SLA row per type and priority, one enrolment per course and trainee, one
 * participation per campaign and customer): the second record of the delete/restore check needs another key.
 */
const secondRecordKey: Record<string, () => Promise<Record<string, unknown>>> = {
  ticketSla: async () => ({ priority: 'high' }),
  trainingEnrolment: async () => ({ salespersonId: (await admin.request('POST', '/api/salespeople', await sampleInput(getEntity('salesperson')))).body.id }),
  campaignParticipant: async () => ({ customerId: (await admin.request('POST', '/api/customers', await sampleInput(getEntity('customer')))).body.id }),
};

async function ensureRecord(entity: Entity): Promise<number> {
  const existing = created.get(entity.name);
  if (existing) return existing;
  building.add(entity.name);
  // Only pickable rows can be referenced (SPEC §1 status rule).
  const status = entity.workflow ? {} : { status: entity.pickableStatus[0] };
  const response = await admin.request('POST', `/api/${entity.plural}`, { ...(await sampleInput(entity)), ...status });
  building.delete(entity.name);
  if (response.status !== 201) throw new Error(`creating a ${entity.name} failed: ${response.status} ${response.text}`);
  created.set(entity.name, response.body.id);
  return response.body.id;
}

beforeAll(async () => {
  app = await buildTestApp();
  admin = await loginAdmin(app);
});
afterAll(async () => {
  await app?.close();
});

describe.each(entities.map((entity) => [entity.name, entity] as const))('%s through the API', (_name, entity) => {
  let id: number;
  let body: Record<string, unknown>;

  it('creates a record with a generated code and reads it back', async () => {
    body = await sampleInput(entity);
    const response = await admin.request('POST', `/api/${entity.plural}`, body);
    expect(response.status, response.text).toBe(201);
    id = response.body.id;
    expect(response.body.code).toMatch(new RegExp(`^${entity.codePrefix}\\d{6}$`));
    const read = await admin.request('GET', `/api/${entity.plural}/${id}`);
    expect(read.status).toBe(200);
    for (const [name, field] of Object.entries(entity.fields)) {
      if (body[name] === undefined || field.pii) continue;
      expect(read.body[name], name).toEqual(body[name]);
    }
  });

  it('finds the record by code and by status, and counts it', async () => {
    const record = await admin.request('GET', `/api/${entity.plural}/${id}`);
    const byCode = await admin.request('POST', `/api/${entity.plural}/query`, { q: record.body.code, filters: {} });
    expect(byCode.status).toBe(200);
    expect(byCode.body.items.map((item: { id: number }) => item.id)).toContain(id);
    const byStatus = await admin.request('POST', `/api/${entity.plural}/query`, { filters: { status: [record.body.status], ids: [id] } });
    expect(byStatus.body.total).toBe(1);
  });

  it('updates with the current version and refuses a stale one', async () => {
    const target = Object.entries(entity.fields).find(([, field]) => (field.kind === 'text' || field.kind === 'textarea') && !field.readOnly && !field.hidden && !field.unique && !field.pattern);
    const change = target ? { [target[0]]: `改 ${counter++}` } : entity.workflow ? {} : { status: entity.statuses[0]!.value };
    const updated = await admin.request('PATCH', `/api/${entity.plural}/${id}`, { version: 1, ...change });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.body.version).toBe(2);
    const stale = await admin.request('PATCH', `/api/${entity.plural}/${id}`, { version: 1, ...change });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'VERSION_CONFLICT', params: { currentVersion: 2 } });
  });

  it('exports the filter as csv', async () => {
    const record = await admin.request('GET', `/api/${entity.plural}/${id}`);
    const response = await admin.request('GET', `/api/${entity.plural}/export?format=csv&ids=${id}`);
    expect(response.status).toBe(200);
    expect(response.text).toContain(record.body.code);
    expect(response.text.trim().split('\r\n')).toHaveLength(2);
  });

  it('deletes softly and restores', async () => {
    const other = await admin.request('POST', `/api/${entity.plural}`, { ...(await sampleInput(entity)), ...(await secondRecordKey[entity.name]?.()) });
    expect(other.status, other.text).toBe(201);
    const removed = await admin.request('DELETE', `/api/${entity.plural}/${other.body.id}`);
    expect(removed.status).toBe(204);
    expect((await admin.request('GET', `/api/${entity.plural}/${other.body.id}`)).status).toBe(404);
    const bin = await admin.request('POST', '/api/recycle-bin/query', { module: entity.plural });
    expect(bin.body.items.map((item: { id: number }) => item.id)).toContain(other.body.id);
    const restored = await admin.request('POST', `/api/${entity.plural}/${other.body.id}/restore`);
    expect(restored.status, restored.text).toBe(200);
  });
});
