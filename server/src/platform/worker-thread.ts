import { Worker } from 'node:worker_threads';

/**
 * A worker thread running the module `name` (without extension) next to `importMetaUrl`. Run from TypeScript
 * sources (tsx), a worker thread needs the TypeScript loader registered for itself.
 */
export function startWorker(importMetaUrl: string, name: string, workerData: unknown): Worker {
  const extension = new URL(importMetaUrl).pathname.endsWith('.ts') ? '.ts' : '.js';
  const file = new URL(`./${name}${extension}`, importMetaUrl);
  return extension === '.ts'
    ? new Worker(`import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => tsx.tsImport(${JSON.stringify(file.href)}, ${JSON.stringify(importMetaUrl)}))`, { eval: true, workerData })
    : new Worker(file, { workerData });
}
