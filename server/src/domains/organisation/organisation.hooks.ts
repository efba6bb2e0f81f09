import { sql } from 'kysely';
import { registerHooks } from '../../entities/hooks.ts';
import { AppError } from '../../platform/errors.ts';

/**
 * Organisations form a tree stored as materialised paths (/1/4/9/) so that "my organisation and below"
 * is one indexed prefix match; moving a node rewrites its subtree's paths in the same transaction.
 */
export function registerOrganisationHooks(): void {
  registerHooks('organisation', {
    async beforeWrite(ctx, _entity, input, existing) {
      if (input.parentId == null || !existing) return;
      const parent = await ctx.trx.selectFrom('organisations').select('path').where('id', '=', input.parentId as number).executeTakeFirst();
      if (parent && String(parent.path).includes(`/${existing.id}/`)) throw new AppError('VALIDATION', {}, { parentId: { reason: 'cycle' } });
    },
    async afterWrite(ctx, _entity, id, input, existing) {
      if (existing && input.parentId === undefined) return;
      const parentId = input.parentId === undefined ? null : (input.parentId as number | null);
      const parent = parentId
        ? await ctx.trx.selectFrom('organisations').select(['path', 'level']).where('id', '=', parentId).executeTakeFirst()
        : undefined;
      const path = `${parent ? String(parent.path) : '/'}${id}/`;
      const level = parent ? Number(parent.level) + 1 : 1;
      await ctx.trx.updateTable('organisations').set({ path, level }).where('id', '=', id).execute();
      const oldPath = existing ? String(existing.path) : null;
      if (oldPath && oldPath !== path) {
        const levelShift = level - Number(existing!.level);
        await ctx.trx
          .updateTable('organisations')
          .set({
            path: sql`${path} || substr(path, ${oldPath.length + 1})`,
            level: sql`level + ${levelShift}`,
          })
          .where('path', 'like', `${oldPath}%`)
          .where('id', '!=', id)
          .execute();
      }
    },
  });
}
