import { allPermissionKeys } from '@insure/model/permissions';
import type { Actor } from './actor.ts';

/** The actor for work the product does itself (first start, demo data, scheduled jobs); audited as "system". */
export const systemActor = (orgId = 0): Actor => ({
  accountId: 0,
  loginName: 'system',
  displayName: 'system',
  orgId,
  orgPath: '/',
  salespersonId: null,
  roles: [],
  permissions: new Set(allPermissionKeys()),
  dataScope: 'all',
  via: 'session',
  locale: 'zh-CN',
  theme: 'light',
  mfaEnabled: false,
});
