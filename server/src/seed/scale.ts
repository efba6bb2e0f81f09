import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { getEntity } from '@insure/model/registry';
import { sql } from 'kysely';
import { bootstrap } from '../bootstrap.ts';
import type { Services } from '../entities/context.ts';
import { advanceSequence, firstFreeId, insertBatches } from './bulk-writer.ts';
import { createSecondaryIndexes, dropSecondaryIndexes } from './deferred-indexes.ts';
import { type ScaleChunk, type ScaleCounts, type ScaleEntity, type ScalePlan, generateScaleRows, scaleEntities } from './scale-rows.ts';

export type { ScaleCounts } from './scale-rows.ts';

type Generated = { counts: ScaleCounts; lastIds: Record<ScaleEntity, number> };

/** Rows generated in a worker thread (2 cores: one generates and encrypts, the other writes). */
function generateInWorker(services: Services, plan: ScalePlan, write: (chunk: ScaleChunk) => Promise<void>): Promise<Generated> {
  const workerData = { plan, dialect: services.database.dialect, encryptionKey: services.config.ENCRYPTION_KEY, dataDir: services.config.DATA_DIR, window: 3 };
  const file = new URL(`./scale-worker${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url);
  // Run from TypeScript sources (tsx), the worker thread needs the TypeScript loader registered for itself.
  const worker = file.pathname.endsWith('.ts')
    ? new Worker(`import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => tsx.tsImport(${JSON.stringify(file.href)}, ${JSON.stringify(import.meta.url)}))`, { eval: true, workerData })
    : new Worker(file, { workerData });
  return new Promise<Generated>((resolve, reject) => {
    let queue = Promise.resolve();
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    worker.on('message', (message: { kind: 'chunk'; chunk: ScaleChunk } | { kind: 'done'; result: Generated }) => {
      queue = queue
        .then(async () => {
          if (message.kind === 'done') {
            settled = true;
            resolve(message.result);
            return;
          }
          await write(message.chunk);
          worker.postMessage('written');
        })
        .catch(fail);
    });
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (code !== 0) fail(new Error(`seed worker exited with code ${code}`));
    });
  });
}

async function generateInline(services: Services, plan: ScalePlan, write: (chunk: ScaleChunk) => Promise<void>): Promise<Generated> {
  const rows = generateScaleRows(plan, services.cipher, services.database.dialect);
  for (;;) {
    const next = rows.next();
    if (next.done) return next.value;
    await write(next.value);
  }
}

/**
 * Benchmark-scale data (deterministic): N customers with ~1.5 N policies, ~0.3 N claims and signings,
 * opportunities and interactions in proportion, across branches and teams. Rows are generated (and their
 * personal data encrypted) in a worker thread while this thread writes them in large transactions; the
 * tables' secondary indexes are dropped for the load and built once at the end.
 */
export async function seedScale(services: Services, customers: number, seed = 1, log: (line: string) => void = () => {}, options: { worker?: boolean } = {}): Promise<ScaleCounts> {
  await bootstrap(services);
  const { database } = services;
  const head = await database.db.selectFrom('organisations').select('id').where('parent_id', 'is', null).orderBy('id').executeTakeFirstOrThrow();
  const firstIds = {} as Record<ScaleEntity, number>;
  for (const name of scaleEntities) firstIds[name] = await firstFreeId(database, getEntity(name));
  const plan: ScalePlan = { seed, customers, now: services.clock.now().getTime(), headId: Number(head.id), firstIds };
  const tables = scaleEntities.map((name) => getEntity(name).table);

  await createSecondaryIndexes(database, tables);
  await dropSecondaryIndexes(database, tables);
  let nextReport = 100_000;
  const write = async (chunk: ScaleChunk) => {
    await insertBatches(database, chunk.batches);
    if (chunk.customersDone === 0) {
      const count = (entity: string) => chunk.batches.find((batch) => batch.entity === entity)?.rows.length ?? 0;
      log(`organisations ${count('organisation')}, products ${count('product')}, salespeople ${count('salesperson')}`);
    }
    while (chunk.customersDone >= nextReport) {
      log(`customers ${nextReport}`);
      nextReport += 100_000;
    }
  };
  let generated: Generated;
  try {
    generated = options.worker === false ? await generateInline(services, plan, write) : await generateInWorker(services, plan, write);
  } finally {
    const started = Date.now();
    await createSecondaryIndexes(database, tables);
    log(`indexes built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  for (const name of scaleEntities) await advanceSequence(database, getEntity(name), generated.lastIds[name]);
  // Fresh planner statistics for tables that just grew by millions of rows.
  if (database.dialect === 'postgres') for (const table of tables) await sql.raw(`analyze "${table}"`).execute(database.db);
  return generated.counts;
}
