import { entities } from '@insure/model/registry';
import { listPageSizes } from '@insure/model/derive/query';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Row } from '../../db/database.ts';
import type { Actor } from '../../platform/access/actor.ts';
import { AppError, fieldError, notFound } from '../../platform/errors.ts';
import { noContent, parseInput, requireActor } from '../../platform/http.ts';
import type { Services } from '../../entities/context.ts';

const listNames = new Set(entities.map((entity) => entity.name));

// Filter values are the list's own query-form values; only their shape and size are checked here,
// the list route validates them against the entity's fields when they are applied.
const filterValue = z.union([
  z.string().max(200),
  z.number().finite(),
  z.boolean(),
  z.null(),
  z.array(z.union([z.string().max(200), z.number().finite(), z.null()])).max(50),
]);
const filters = z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_.]{0,79}$/), z.union([filterValue, z.record(z.string().max(80), filterValue)])).refine((value) => Object.keys(value).length <= 60, { message: 'too_many' });
const columnKey = z.string().regex(/^[A-Za-z][A-Za-z0-9_.]{0,79}$/);
const columns = z.strictObject({ order: z.array(columnKey).max(120), hidden: z.array(columnKey).max(120) });
const sort = z.strictObject({ sort: columnKey.optional(), order: z.enum(['asc', 'desc']) });

const settingsBody = z.strictObject({
  columns: columns.optional(),
  pageSize: z.number().int().refine((size) => (listPageSizes as readonly number[]).includes(size)).optional(),
  defaultFilters: filters.optional(),
  sort: sort.optional(),
});
const viewState = z.strictObject({ filters, sort: sort.optional(), columns: columns.optional() });
const viewBody = z.strictObject({
  name: z.string().trim().min(1).max(50),
  state: viewState,
  sharedRoleId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).nullable().optional(),
});
const viewPatch = viewBody.partial();
const listParams = z.strictObject({ listKey: z.string().max(60) });
const idParams = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

const json = <T>(value: unknown): T => (typeof value === 'string' ? (JSON.parse(value) as T) : (value as T));

/** A list the caller may read; any other name reads as absent. */
function readableList(actor: Actor, listKey: string): string {
  if (!listNames.has(listKey) || !actor.permissions.has(`${listKey}:view`)) throw notFound();
  return listKey;
}

function sharedRoleOf(actor: Actor, roleId: number | null | undefined): number | null {
  if (roleId == null) return null;
  // Only a role the owner holds: a view cannot be pushed onto people outside it.
  if (!actor.roles.some((role) => role.id === roleId)) throw fieldError('sharedRoleId', 'not_own_role');
  return roleId;
}

function presentView(row: Row, actor: Actor) {
  return {
    id: Number(row.id),
    listKey: String(row.list_key),
    name: String(row.name),
    state: json<z.output<typeof viewState>>(row.state),
    sharedRoleId: row.shared_role_id == null ? null : Number(row.shared_role_id),
    ownerName: String(row.owner_name),
    mine: Number(row.account_id) === actor.accountId,
    updatedAt: String(row.updated_at),
  };
}

/**
 * Personal list settings kept on the server (so they follow the user to another browser) and saved views,
 * private or shared with one of the owner's roles.
 */
export function registerListViewRoutes(app: FastifyInstance, services: Services) {
  const { db } = services.database;
  const now = () => services.clock.now().toISOString();

  const visibleViews = (actor: Actor, listKey: string) =>
    db
      .selectFrom('saved_views')
      .innerJoin('accounts', 'accounts.id', 'saved_views.account_id')
      .selectAll('saved_views')
      .select('accounts.display_name as owner_name')
      .where('saved_views.list_key', '=', listKey)
      .where((eb) => {
        const roleIds = actor.roles.map((role) => role.id);
        return roleIds.length
          ? eb.or([eb('saved_views.account_id', '=', actor.accountId), eb('saved_views.shared_role_id', 'in', roleIds)])
          : eb('saved_views.account_id', '=', actor.accountId);
      })
      .orderBy('saved_views.name')
      .orderBy('saved_views.id');

  const ownView = async (actor: Actor, id: number) => {
    const row = await db
      .selectFrom('saved_views')
      .innerJoin('accounts', 'accounts.id', 'saved_views.account_id')
      .selectAll('saved_views')
      .select('accounts.display_name as owner_name')
      .where('saved_views.id', '=', id)
      .where('saved_views.account_id', '=', actor.accountId)
      .executeTakeFirst();
    if (!row) throw notFound();
    readableList(actor, String(row.list_key));
    return row;
  };

  const assertNameFree = async (actor: Actor, listKey: string, name: string, exceptId?: number) => {
    let query = db.selectFrom('saved_views').select('id').where('account_id', '=', actor.accountId).where('list_key', '=', listKey).where('name', '=', name);
    if (exceptId) query = query.where('id', '<>', exceptId);
    if (await query.executeTakeFirst()) throw new AppError('DUPLICATE', {}, { name: { reason: 'duplicate' } });
  };

  app.get('/api/me/lists/:listKey', { schema: { tags: ['auth'], summary: "The caller's settings and saved views (own and shared with their roles) for one list" } }, async (request) => {
    const actor = requireActor(request);
    const listKey = readableList(actor, parseInput(listParams, request.params).listKey);
    const [settings, views] = await Promise.all([
      db.selectFrom('list_settings').select('settings').where('account_id', '=', actor.accountId).where('list_key', '=', listKey).executeTakeFirst(),
      visibleViews(actor, listKey).execute(),
    ]);
    return { listKey, settings: settings ? json<Record<string, unknown>>(settings.settings) : {}, views: views.map((row) => presentView(row, actor)) };
  });

  app.put('/api/me/lists/:listKey/settings', { schema: { tags: ['auth'], summary: "Replace the caller's settings for one list (columns and order, page size, default filters, sort)" } }, async (request) => {
    const actor = requireActor(request);
    const listKey = readableList(actor, parseInput(listParams, request.params).listKey);
    const settings = parseInput(settingsBody, request.body);
    const values = { settings: JSON.stringify(settings), updated_at: now() };
    await db
      .insertInto('list_settings')
      .values({ account_id: actor.accountId, list_key: listKey, ...values })
      .onConflict((conflict) => conflict.columns(['account_id', 'list_key']).doUpdateSet(values))
      .execute();
    return { listKey, settings };
  });

  app.post('/api/me/lists/:listKey/views', { schema: { tags: ['auth'], summary: 'Save the current filters, sort and columns of a list as a named view' } }, async (request, reply) => {
    const actor = requireActor(request);
    const listKey = readableList(actor, parseInput(listParams, request.params).listKey);
    const input = parseInput(viewBody, request.body);
    const sharedRoleId = sharedRoleOf(actor, input.sharedRoleId);
    await assertNameFree(actor, listKey, input.name);
    // One statement; a racing duplicate name hits the unique index and reads as 409 DUPLICATE.
    const inserted = await db
      .insertInto('saved_views')
      .values({ account_id: actor.accountId, list_key: listKey, name: input.name, state: JSON.stringify(input.state), shared_role_id: sharedRoleId, created_at: now(), updated_at: now() })
      .returning('id')
      .executeTakeFirstOrThrow();
    const id = Number(inserted.id);
    return reply.code(201).send(presentView(await ownView(actor, id), actor));
  });

  app.patch('/api/me/views/:id', { schema: { tags: ['auth'], summary: 'Rename, re-share or overwrite one of your saved views' } }, async (request) => {
    const actor = requireActor(request);
    const { id } = parseInput(idParams, request.params);
    const input = parseInput(viewPatch, request.body);
    const row = await ownView(actor, id);
    const changes: Record<string, unknown> = { updated_at: now() };
    if (input.name !== undefined) {
      await assertNameFree(actor, String(row.list_key), input.name, id);
      changes.name = input.name;
    }
    if (input.state !== undefined) changes.state = JSON.stringify(input.state);
    if (input.sharedRoleId !== undefined) changes.shared_role_id = sharedRoleOf(actor, input.sharedRoleId);
    await db.updateTable('saved_views').set(changes).where('id', '=', id).where('account_id', '=', actor.accountId).execute();
    return presentView(await ownView(actor, id), actor);
  });

  app.delete('/api/me/views/:id', { schema: { tags: ['auth'], summary: 'Delete one of your saved views' } }, async (request, reply) => {
    const actor = requireActor(request);
    const { id } = parseInput(idParams, request.params);
    await ownView(actor, id);
    await db.deleteFrom('saved_views').where('id', '=', id).where('account_id', '=', actor.accountId).execute();
    return noContent(reply);
  });
}
