import { registerHooks } from '../../entities/hooks.ts';
import { AppError } from '../../platform/errors.ts';

/**
 * Nobody hands out more than they hold: the roles given to an account may only carry permissions the
 * actor has. Disabling or deleting an account ends its session at once.
 */
export function registerAccountHooks(): void {
  registerHooks('account', {
    async beforeWrite(ctx, _entity, input) {
      const roleIds = input.roleIds as number[] | null | undefined;
      if (!roleIds?.length) return;
      const roles = await ctx.trx.selectFrom('roles').select(['permissions', 'data_scope']).where('id', 'in', roleIds).execute();
      const rank = { own: 0, org: 1, all: 2 } as const;
      for (const role of roles) {
        const permissions = JSON.parse(String(role.permissions ?? '[]')) as string[];
        const wider = rank[role.data_scope as keyof typeof rank] > rank[ctx.actor.dataScope];
        if (wider || permissions.some((permission) => !ctx.actor.permissions.has(permission))) {
          throw new AppError('VALIDATION', {}, { roleIds: { reason: 'grant_exceeds_own' } });
        }
      }
    },
    // After the commit (a rolled-back change ends nothing); loadActor refuses such accounts on every request anyway.
    async afterWrite(ctx, _entity, id, input) {
      if (input.status === 'disabled') ctx.afterCommit?.(() => ctx.services.sessions.endAllFor(id, 'SESSION_EXPIRED'));
    },
    async afterDelete(ctx, _entity, row) {
      ctx.afterCommit?.(() => ctx.services.sessions.endAllFor(Number(row.id), 'SESSION_EXPIRED'));
    },
  });
}
