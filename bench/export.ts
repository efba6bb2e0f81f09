import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import { type BenchOptions, line, megabytes, processMemory, processSampler, seconds, startServer } from './lib/common.ts';

/** Rows of the first sheet of an xlsx file, read with the streaming reader (a check, not part of the timing). */
export async function countXlsxRows(file: string): Promise<number> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(fs.createReadStream(file), { worksheets: 'emit', sharedStrings: 'cache', styles: 'ignore', hyperlinks: 'ignore' });
  let rows = 0;
  for await (const sheet of reader) {
    for await (const _row of sheet) rows++;
    break;
  }
  return rows;
}

/** Export of every customer to xlsx through the API: wall time and the server process's peak RSS. */
export async function exportBench(options: BenchOptions & { verify?: boolean }) {
  const server = await startServer({ dataDir: options.dataDir, databaseUrl: options.databaseUrl });
  const file = path.join(os.tmpdir(), 'insure-bench', 'export-customers.xlsx');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    const before = processMemory(server.pid)!;
    line('data', options.databaseUrl ?? options.dataDir);
    line('server RSS before (peak so far)', `${megabytes(before.rssKb)} (${megabytes(before.peakKb)})`);
    const sampler = processSampler(server.pid, 100);
    const started = performance.now();
    const response = await fetch(`${server.baseUrl}/api/customers/export?format=xlsx`, { headers: { authorization: `Bearer ${server.token}` } });
    if (!response.ok || !response.body) throw new Error(`export answered ${response.status}`);
    const firstByte = performance.now() - started;
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), fs.createWriteStream(file));
    const elapsed = performance.now() - started;
    const { peakKb, cpuSeconds } = sampler.stop();
    line('first byte after', `${firstByte.toFixed(0)} ms`);
    line('export time', seconds(elapsed));
    line('file size', `${(fs.statSync(file).size / 2 ** 20).toFixed(1)} MB`);
    line('server peak RSS (VmHWM)', megabytes(peakKb));
    line('server CPU during export', `${cpuSeconds.toFixed(1)} s`);
    if (options.verify) {
      const checkStarted = performance.now();
      line('rows in the file (with header)', `${(await countXlsxRows(file)).toLocaleString('en')} (counted in ${seconds(performance.now() - checkStarted)})`);
    }
  } finally {
    await server.stop();
  }
}
