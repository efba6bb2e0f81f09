import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BenchOptions, line, megabytes, processSampler, repoDir, seconds } from './lib/common.ts';
import { resetPostgresSchema } from './lib/postgres.ts';

/** Time of `seed --customers N` on a fresh data directory (or a fresh PostgreSQL schema). */
export async function seedBench(options: BenchOptions) {
  if (options.databaseUrl) await resetPostgresSchema(options.databaseUrl);
  const dataDir = path.resolve(options.dataDir);
  if (!dataDir.startsWith(os.tmpdir() + path.sep)) throw new Error(`refusing to wipe ${dataDir}: benchmark data lives under ${os.tmpdir()}`);
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  line('data directory', dataDir);
  if (options.databaseUrl) line('database', options.databaseUrl);
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoDir, 'server/src/cli.ts'), 'seed', '--customers', String(options.customers)], {
    cwd: repoDir,
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: options.databaseUrl ?? '', LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const sampler = processSampler(child.pid!);
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    for (const text of chunk.toString().split('\n').filter(Boolean)) line(`  ${((performance.now() - started) / 1000).toFixed(1)} s`, text);
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const elapsed = performance.now() - started;
  const { peakKb, cpuSeconds } = sampler.stop();
  if (code !== 0) throw new Error(`seed exited with code ${code}`);
  const counts = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, number>;
  const rows = Object.entries(counts).filter(([key]) => key !== 'seconds').reduce((total, [, value]) => total + value, 0);
  for (const [key, value] of Object.entries(counts)) if (key !== 'seconds') line(key, value.toLocaleString('en'));
  line('wall time', seconds(elapsed));
  line('seed command own timer', `${counts.seconds} s`);
  line('CPU time (all threads)', `${cpuSeconds.toFixed(1)} s`);
  line('customers / s', Math.round(options.customers / (elapsed / 1000)).toLocaleString('en'));
  line('rows / s (all tables)', Math.round(rows / (elapsed / 1000)).toLocaleString('en'));
  line('peak RSS', megabytes(peakKb));
  if (!options.databaseUrl) {
    const size = fs.readdirSync(dataDir).filter((file) => file.startsWith('insure.db')).reduce((total, file) => total + fs.statSync(path.join(dataDir, file)).size, 0);
    line('database size', `${(size / 2 ** 20).toFixed(0)} MB`);
  }
}
