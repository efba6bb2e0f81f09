import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { createSalesperson, headOfficeId } from './factories.ts';
import { type TestApp, buildTestApp, loginAdmin } from './test-app.ts';

// DATABASE_READ_URL sends report queries to a read replica; here the "replica" is the same server and schema.
describe.runIf(process.env.DATABASE_URL?.startsWith('postgres'))('a read replica for reports', () => {
  let primary: TestApp;
  let withReplica: TestApp;
  beforeAll(async () => {
    primary = await buildTestApp();
    const config = { ...primary.services.config, DATABASE_READ_URL: primary.services.config.DATABASE_URL };
    const built = await buildApp({ config, logger: false, testHooks: { exposeCaptchaAnswer: true } });
    withReplica = { ...built, dialect: 'postgres', dataDir: primary.dataDir };
  });
  afterAll(async () => {
    await withReplica?.close();
    await primary?.close();
  });

  it('answers report routes through its own connection pool', async () => {
    expect(withReplica.services.database.reports).not.toBe(withReplica.services.database.db);
    expect(primary.services.database.reports).toBe(primary.services.database.db);
    const admin = await loginAdmin(withReplica);
    const salesperson = await createSalesperson(admin, { orgId: await headOfficeId(admin) });
    const performance = await admin.request('GET', `/api/salespeople/${salesperson.id}/performance`);
    expect(performance.status).toBe(200);
    expect(performance.body).toMatchObject({ policyCount: 0 });
  });
});
