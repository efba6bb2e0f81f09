import { createCustomer, createOrganisation, createSalesperson, headOfficeId, uniquePhone, validIdNumber } from './factories.ts';
import { type Client, type TestApp, accountClient, loginAdmin } from './test-app.ts';

/**
 * Branches X and Y under head office, team X1 inside X; salespeople A and B in X1 and C in Y, each with a
 * salesperson account (scope own); a branch manager for X and one for Y; one customer per salesperson plus
 * an unowned customer of branch X.
 */
export interface ScopeFixture {
  admin: Client;
  headId: number;
  branchX: number;
  teamX1: number;
  branchY: number;
  salespeople: { a: number; b: number; c: number };
  users: { a: Client; b: Client; c: Client; managerX: Client; managerY: Client };
  customers: { a: Record<string, unknown>; b: Record<string, unknown>; c: Record<string, unknown>; xUnowned: Record<string, unknown> };
  /** Plaintext values of customer B (for searches that must not find it). */
  plainB: { idNumber: string; phone: string; name: string };
}

export async function buildScopeFixture(app: TestApp): Promise<ScopeFixture> {
  const admin = await loginAdmin(app);
  const headId = await headOfficeId(admin);
  const branchX = (await createOrganisation(admin, { parentId: headId, name: 'X 分公司' })).id as number;
  const teamX1 = (await createOrganisation(admin, { parentId: branchX, name: 'X 营业一部', type: 'agency' })).id as number;
  const branchY = (await createOrganisation(admin, { parentId: headId, name: 'Y 分公司' })).id as number;
  const a = (await createSalesperson(admin, { orgId: teamX1, name: '业务员甲' })).id as number;
  const b = (await createSalesperson(admin, { orgId: teamX1, name: '业务员乙' })).id as number;
  const c = (await createSalesperson(admin, { orgId: branchY, name: '业务员丙' })).id as number;
  const users = {
    a: await accountClient(app, admin, { loginName: 'sales_a', orgId: teamX1, roles: ['salesperson'], salespersonId: a }),
    b: await accountClient(app, admin, { loginName: 'sales_b', orgId: teamX1, roles: ['salesperson'], salespersonId: b }),
    c: await accountClient(app, admin, { loginName: 'sales_c', orgId: branchY, roles: ['salesperson'], salespersonId: c }),
    managerX: await accountClient(app, admin, { loginName: 'manager_x', orgId: branchX, roles: ['branchManager'] }),
    managerY: await accountClient(app, admin, { loginName: 'manager_y', orgId: branchY, roles: ['branchManager'] }),
  };
  const plainB = { idNumber: validIdNumber('1985-04-12'), phone: uniquePhone(), name: '乙客户' };
  const customers = {
    a: await createCustomer(users.a, { orgId: teamX1, ownerId: a, name: '甲客户' }),
    b: await createCustomer(admin, { orgId: teamX1, ownerId: b, ...plainB }),
    c: await createCustomer(admin, { orgId: branchY, ownerId: c, name: '丙客户' }),
    xUnowned: await createCustomer(admin, { orgId: branchX, ownerId: null, name: 'X 无主客户' }),
  };
  return {
    admin,
    headId,
    branchX,
    teamX1,
    branchY,
    salespeople: { a, b, c },
    users,
    customers,
    plainB,
  };
}
