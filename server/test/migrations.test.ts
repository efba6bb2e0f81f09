import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desiredSchema } from '../src/db/desired-schema.ts';
import { migrateToLatest, pendingMigrations } from '../src/db/migrate.ts';
import { migrations } from '../src/db/migrations/index.ts';
import { type TestApp, buildTestApp, rawRows } from './test-app.ts';

const snapshotFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/db/migrations/schema-snapshot.json');

describe('migrations', () => {
  it('have a snapshot equal to the schema the declarations ask for (a declaration change needs a generated migration)', () => {
    const snapshot = JSON.parse(fs.readFileSync(snapshotFile, 'utf8')) as unknown;
    expect(JSON.parse(JSON.stringify(desiredSchema()))).toEqual(snapshot);
  });

  it('are listed in order with unique names', () => {
    const names = migrations.map((migration) => migration.name);
    expect(names).toEqual([...names].sort());
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^\d{4}_[a-z0-9_]+$/i);
  });

  describe('on a fresh database', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await buildTestApp();
    });
    afterAll(() => app.close());

    it('are all applied at start and re-running them changes nothing', async () => {
      expect(await pendingMigrations(app.services.database)).toEqual([]);
      expect(await migrateToLatest(app.services.database)).toEqual([]);
    });

    it('create every table the declarations ask for', async () => {
      const db = app.services.database.db;
      for (const table of desiredSchema()) {
        await expect(sql.raw(`select count(*) from "${table.name}"`).execute(db), table.name).resolves.toBeDefined();
      }
    });

    it('leave every index with the columns the declarations ask for (redefined indexes are rebuilt)', async () => {
      for (const table of desiredSchema()) {
        for (const index of table.indexes) {
          const expected = index.columns.map((column) => column.replace(/ desc$/, ''));
          let actual: string[];
          if (app.dialect === 'sqlite') {
            actual = (await rawRows<{ name: string }>(app, `select name from pragma_index_info('${index.name}') order by seqno`)).map((row) => row.name);
          } else {
            const [row] = await rawRows<{ indexdef: string }>(app, `select indexdef from pg_indexes where schemaname = current_schema() and indexname = '${index.name}'`);
            actual = /\((.*?)\)(?: WHERE|$)/.exec(row?.indexdef ?? '')?.[1]!.split(', ').map((part) => part.split(' ')[0]!.replace(/"/g, '')) ?? [];
          }
          expect(actual, `${table.name}.${index.name}`).toEqual(expected);
        }
      }
    });

    it('keep no plain one-column index that another index of the table already leads with (each insert would maintain both)', async () => {
      const redundant: string[] = [];
      for (const table of desiredSchema()) {
        if (app.dialect !== 'sqlite') break;
        const indexes = await rawRows<{ name: string; partial: number }>(app, `select name, partial from pragma_index_list('${table.name}')`);
        const columnsOf = async (name: string) => (await rawRows<{ name: string; coll: string; desc: number }>(app, `select name, coll, desc from pragma_index_xinfo('${name}') where key = 1 order by seqno`)).map((row) => `${row.name} ${row.coll} ${row.desc}`);
        const described = await Promise.all(indexes.map(async (index) => ({ ...index, columns: await columnsOf(index.name) })));
        for (const index of described) {
          if (index.columns.length !== 1 || index.partial || index.name.endsWith('_uq') || index.name.startsWith('sqlite_autoindex')) continue;
          const wider = described.find((other) => other !== index && !other.partial && other.columns.length > 1 && other.columns[0] === index.columns[0]);
          if (wider) redundant.push(`${index.name} (led by ${wider.name})`);
        }
      }
      expect(redundant).toEqual([]);
    });

    it('run in the test schema when on PostgreSQL', async () => {
      if (app.dialect !== 'postgres') return;
      const [row] = await rawRows<{ schema: string }>(app, 'select current_schema() as schema');
      expect(row!.schema).toMatch(/^t_[0-9a-f]{12}$/);
      const [own] = await rawRows<{ n: number }>(app, `select count(*) as n from information_schema.tables where table_schema = current_schema() and table_name = 'kysely_migration'`);
      expect(Number(own!.n)).toBe(1);
    });
  });
});
