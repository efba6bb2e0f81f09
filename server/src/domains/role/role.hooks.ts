import { allPermissionKeys } from '@insure/model/permissions';
import { registerHooks } from '../../entities/hooks.ts';
import { AppError } from '../../platform/errors.ts';

const known = new Set(allPermissionKeys());
const rank = { own: 0, org: 1, all: 2 } as const;

/** Roles only carry known permissions, and only ones the editor holds (no self-escalation). */
export function registerRoleHooks(): void {
  registerHooks('role', {
    async beforeWrite(ctx, _entity, input) {
      const permissions = input.permissions as string[] | null | undefined;
      if (permissions?.some((permission) => !known.has(permission))) {
        throw new AppError('VALIDATION', {}, { permissions: { reason: 'unknown_permission' } });
      }
      if (permissions?.some((permission) => !ctx.actor.permissions.has(permission))) {
        throw new AppError('VALIDATION', {}, { permissions: { reason: 'grant_exceeds_own' } });
      }
      const scope = input.dataScope as keyof typeof rank | undefined;
      if (scope && rank[scope] > rank[ctx.actor.dataScope]) throw new AppError('VALIDATION', {}, { dataScope: { reason: 'grant_exceeds_own' } });
    },
    async beforeDelete(_ctx, _entity, row) {
      if (row.builtin_key) throw new AppError('FORBIDDEN', { reason: 'builtin_role' });
    },
  });
}
