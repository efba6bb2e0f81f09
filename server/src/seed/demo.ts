import { getEntity } from '@insure/model/registry';
import { bootstrap, systemContext } from '../bootstrap.ts';
import type { Services } from '../entities/context.ts';
import { createRecord } from '../entities/write.ts';
import { fakePerson, pick, prng } from './generator.ts';
import { loadDemoBusiness } from './demo-business.ts';

const branches = [
  { name: '北京分公司', orgCode: 'BJ', province: '北京市' },
  { name: '上海分公司', orgCode: 'SH', province: '上海市' },
  { name: '广东分公司', orgCode: 'GD', province: '广东省' },
];

/**
 * A small, deterministic demo set (branches, teams, salespeople, accounts, customers) so every page has data
 * on first start. Runs only on an empty installation (no salespeople yet).
 */
export async function loadDemoData(services: Services, customers: number): Promise<boolean> {
  await bootstrap(services);
  const { db } = services.database;
  if (await db.selectFrom('salespeople').select('id').limit(1).executeTakeFirst()) return false;
  const random = prng(20261123);
  await db.transaction().execute(async (trx) => {
    const head = await trx.selectFrom('organisations').select('id').where('parent_id', 'is', null).orderBy('id').executeTakeFirstOrThrow();
    const ctx = systemContext(services, trx, Number(head.id));
    const roles = new Map((await trx.selectFrom('roles').select(['id', 'builtin_key']).execute()).map((role) => [role.builtin_key, Number(role.id)]));
    const salespeople: { id: number; orgId: number }[] = [];
    const branchIds: number[] = [];
    const accountIds: number[] = [];
    const customerRows: { id: number; orgId: number; ownerId: number | null; birthDate: string }[] = [];
    for (const [branchIndex, branch] of branches.entries()) {
      const branchId = await createRecord(ctx, getEntity('organisation'), { name: branch.name, orgCode: branch.orgCode, type: 'branch', parentId: Number(head.id), sortIndex: 10 - branchIndex });
      branchIds.push(branchId);
      for (let team = 1; team <= 2; team++) {
        const teamId = await createRecord(ctx, getEntity('organisation'), { name: `${branch.name.slice(0, 2)}营业${team}部`, orgCode: `${branch.orgCode}${team}`, type: 'agency', parentId: branchId });
        let managerId: number | null = null;
        for (let n = 0; n < 4; n++) {
          const person = fakePerson(random, 23, 55);
          const id = await createRecord(ctx, getEntity('salesperson'), {
            name: person.name, gender: person.gender, birthDate: person.birthDate, idNumber: person.idNumber, phone: person.phone,
            homeAddress: person.homeAddress, occupation: '保险代理人', employer: '本公司', position: n === 0 ? '团队经理' : '业务员',
            education: pick(random, ['college', 'bachelor', 'bachelor', 'master']), joinDate: `20${String(15 + Math.floor(random() * 10))}-0${1 + Math.floor(random() * 9)}-15`,
            orgId: teamId, managerId,
          });
          if (n === 0) managerId = id;
          salespeople.push({ id, orgId: teamId });
        }
      }
      accountIds.push(await createRecord(ctx, getEntity('account'), { loginName: `${branch.orgCode.toLowerCase()}_manager`, displayName: `${branch.name}经理`, orgId: branchId, roleIds: [roles.get('branchManager')!] }));
    }
    for (const [index, salesperson] of salespeople.slice(0, 3).entries()) {
      await createRecord(ctx, getEntity('account'), { loginName: `sales${index + 1}`, displayName: `业务员${index + 1}`, orgId: salesperson.orgId, salespersonId: salesperson.id, roleIds: [roles.get('salesperson')!] });
    }
    const usedIds = new Set<string>();
    for (let n = 0; n < customers; n++) {
      let person = fakePerson(random);
      while (usedIds.has(person.idNumber)) person = fakePerson(random);
      usedIds.add(person.idNumber);
      const owner = random() < 0.9 ? pick(random, salespeople) : null;
      const status = random() < 0.93 ? 'normal' : pick(random, ['abnormal', 'unreviewed']);
      const customerId = await createRecord(ctx, getEntity('customer'), {
        name: person.name, category: random() < 0.95 ? 'individual' : 'enterprise', gender: person.gender, birthDate: person.birthDate,
        idNumber: person.idNumber, phone: person.phone, province: person.province, city: person.city, homeAddress: person.homeAddress,
        occupation: person.occupation, employer: person.employer, education: pick(random, ['highSchool', 'college', 'bachelor', 'bachelor', 'master']),
        maritalStatus: pick(random, ['single', 'married', 'married', 'married', 'divorced']), incomeBand: pick(random, ['lt50k', '50k-100k', '100k-300k', '100k-300k', '300k-1m', 'gt1m']),
        source: pick(random, ['referral', 'walkIn', 'phone', 'online', 'event', 'bank']), ownerId: owner?.id ?? null, orgId: owner?.orgId ?? Number(head.id),
        status,
      });
      // Most customers signed the insurer's separate consent for ID and health data at their first application.
      if (status === 'normal' && random() < 0.8) {
        const grantedAt = `20${String(18 + Math.floor(random() * 7))}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`;
        for (const category of ['idNumber', 'health']) {
          await createRecord(ctx, getEntity('consent'), { customerId, category, purpose: 'underwriting', channel: pick(random, ['paper', 'electronic', 'online']), grantedAt });
        }
      }
      // Only 'normal' customers can be referenced by policies and the other records (SPEC §1).
      if (status === 'normal') customerRows.push({ id: customerId, orgId: owner?.orgId ?? Number(head.id), ownerId: owner?.id ?? null, birthDate: person.birthDate });
    }
    await loadDemoBusiness(ctx, random, { headId: Number(head.id), branchIds, salespeople, customers: customerRows, accountIds });
  });
  return true;
}
