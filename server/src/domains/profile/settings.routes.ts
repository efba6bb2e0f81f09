import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../entities/context.ts';
import { audit } from '../../entities/write.ts';
import type { Actor } from '../../platform/access/actor.ts';
import { AppError } from '../../platform/errors.ts';
import { inTransaction, parseInput, requirePermission } from '../../platform/http.ts';
import { loadRebuildStatus, saveRebuildStatus, startRebuildInBackground } from './rebuild.ts';
import { loadProfileSettings, profileSettingsSchema } from './settings.ts';

const putQuery = z.strictObject({ rebuild: z.enum(['now', 'nightly']).default('now') });

/** The settings are company-wide: changing them (or recomputing everyone) needs customerTag:edit over all data. */
function requireSettingsAdmin(request: Parameters<typeof requirePermission>[0]): Actor {
  const actor = requirePermission(request, 'customerTag:edit');
  if (actor.dataScope !== 'all') throw new AppError('FORBIDDEN', { permission: 'customerTag:edit', reason: 'company_wide_scope' });
  return actor;
}

export function registerProfileSettingsRoutes(app: FastifyInstance, services: Services): void {
  const { db } = services.database;
  const queue = async (actor: Actor) => {
    const at = services.clock.now().toISOString();
    await saveRebuildStatus(db, { ...(await loadRebuildStatus(db)), state: 'queued', requestedAt: at }, at, actor.displayName);
    startRebuildInBackground(services, actor.displayName, (error) => app.log.error({ err: error }, 'profile rebuild failed'));
  };

  app.get('/api/profiles/settings', { schema: { tags: ['customer'], summary: 'Profile rule settings (age bands, value tiers, needs model, risk weights, engagement)' } }, async (request) => {
    requirePermission(request, 'customer:view');
    return loadProfileSettings(db);
  });

  app.get('/api/profiles/rebuild', { schema: { tags: ['customer'], summary: 'State of the last full profile rebuild (queued, running, done) and when the settings last changed' } }, async (request) => {
    requirePermission(request, 'customer:view');
    const [status, settings] = await Promise.all([loadRebuildStatus(db), db.selectFrom('profile_settings').select(['updated_at', 'updated_by']).where('key', '=', 'rules').executeTakeFirst()]);
    return { ...status, settingsUpdatedAt: settings?.updated_at ?? null, settingsUpdatedBy: settings?.updated_by ?? null, nightlyAt: '01:45' };
  });

  app.put('/api/profiles/settings', { schema: { tags: ['customer'], summary: 'Replace the profile rule settings (audited); every profile is then recomputed now (?rebuild=now, default) or by the nightly job' } }, async (request) => {
    const actor = requireSettingsAdmin(request);
    const { rebuild } = parseInput(putQuery, request.query);
    const settings = parseInput(profileSettingsSchema, request.body);
    await inTransaction(request, services, async (ctx) => {
      const before = await loadProfileSettings(ctx.trx);
      const value = JSON.stringify(settings);
      const at = ctx.now.toISOString();
      await ctx.trx
        .insertInto('profile_settings')
        .values({ key: 'rules', value, updated_at: at, updated_by: actor.displayName })
        .onConflict((conflict) => conflict.column('key').doUpdateSet({ value, updated_at: at, updated_by: actor.displayName }))
        .execute();
      const changes = Object.fromEntries(
        Object.keys(settings)
          .filter((key) => JSON.stringify(before[key as keyof typeof before]) !== JSON.stringify(settings[key as keyof typeof settings]))
          .map((key) => [key, { before: before[key as keyof typeof before], after: settings[key as keyof typeof settings] }]),
      );
      await audit(ctx, 'profileSettings', null, 'update', changes);
    });
    if (rebuild === 'now') await queue(actor);
    return { settings, rebuild: await loadRebuildStatus(db) };
  });

  app.post('/api/profiles/rebuild', { schema: { tags: ['customer'], summary: 'Recompute every profile and rule tag now, in the background (state: GET /api/profiles/rebuild)' } }, async (request, reply) => {
    const actor = requireSettingsAdmin(request);
    await queue(actor);
    return reply.code(202).send(await loadRebuildStatus(db));
  });
}
