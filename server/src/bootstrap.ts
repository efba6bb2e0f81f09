import { allPermissionKeys, builtinRoles } from '@insure/model/permissions';
import { getEntity } from '@insure/model/registry';
import type { Services, WriteContext } from './entities/context.ts';
import { createRecord, updateRecord } from './entities/write.ts';
import { systemActor } from './platform/access/system-actor.ts';
import { generatePassword, hashPassword } from './platform/auth/password.ts';
import { setPassword } from './domains/account/credentials.ts';

export function systemContext(services: Services, trx: WriteContext['trx'], orgId = 0): WriteContext {
  return { actor: systemActor(orgId), ip: '127.0.0.1', requestId: 'system', now: services.clock.now(), trx, services };
}

/**
 * First start: head office, the built-in roles and the first admin account. The admin password comes
 * from ADMIN_PASSWORD or is generated and returned so the caller prints it once; never a fixed default.
 */
export async function bootstrap(services: Services): Promise<{ adminPassword: string | null }> {
  return services.database.db.transaction().execute(async (trx) => {
    let ctx = systemContext(services, trx);
    let head = await trx.selectFrom('organisations').select('id').where('parent_id', 'is', null).orderBy('id').executeTakeFirst();
    if (!head) {
      const id = await createRecord(ctx, getEntity('organisation'), { name: '总公司', orgCode: 'HQ', type: 'head', parentId: null });
      head = { id };
    }
    ctx = systemContext(services, trx, Number(head.id));
    // Permissions this version brings that the installation has not seen yet go to the built-in roles that define
    // them; permissions an admin removed earlier stay removed (they are already in the catalogue).
    const known = new Set((await trx.selectFrom('permission_catalog').select('key').execute()).map((row) => String(row.key)));
    const added = allPermissionKeys().filter((key) => !known.has(key));
    if (added.length) await trx.insertInto('permission_catalog').values(added.map((key) => ({ key, added_at: ctx.now.toISOString() }))).execute();
    for (const role of builtinRoles) {
      const exists = await trx.selectFrom('roles').select(['id', 'version', 'permissions']).where('builtin_key', '=', role.key).executeTakeFirst();
      if (exists) {
        const current: string[] = typeof exists.permissions === 'string' ? JSON.parse(exists.permissions) : ((exists.permissions as string[] | null) ?? []);
        const missing = role.permissions().filter((key) => added.includes(key) && !current.includes(key));
        // Keys of modules this version removed (e.g. backupRecord) are dropped on the way: the role editor refuses unknown keys.
        const valid = new Set(allPermissionKeys());
        if (missing.length) await updateRecord(ctx, getEntity('role'), Number(exists.id), { version: Number(exists.version), permissions: [...current.filter((key) => valid.has(key)), ...missing] });
        continue;
      }
      const id = await createRecord(ctx, getEntity('role'), {
        name: role.name.zh,
        dataScope: role.dataScope,
        permissions: role.permissions(),
        description: role.name.en,
      });
      await trx.updateTable('roles').set({ builtin_key: role.key }).where('id', '=', id).execute();
    }
    const anyAccount = await trx.selectFrom('accounts').select('id').limit(1).executeTakeFirst();
    if (anyAccount) return { adminPassword: null };
    const adminRole = await trx.selectFrom('roles').select('id').where('builtin_key', '=', 'admin').executeTakeFirstOrThrow();
    const accountId = await createRecord(ctx, getEntity('account'), {
      loginName: 'admin',
      displayName: '系统管理员',
      orgId: Number(head.id),
      roleIds: [Number(adminRole.id)],
    });
    const configured = services.config.ADMIN_PASSWORD;
    const password = configured ?? generatePassword();
    await setPassword(trx, services.database.dialect, accountId, await hashPassword(password), !configured, ctx.now);
    return { adminPassword: configured ? null : password };
  });
}
