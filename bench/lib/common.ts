import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';

export const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoDir = path.resolve(benchDir, '..');

export interface BenchOptions {
  customers: number;
  dataDir: string;
  databaseUrl?: string;
  duration: number;
  connections: number;
  rows: number;
  only?: string[];
  /** writes: sequential creates per mode. */
  writes?: number;
  /** profiles: keep the stored profiles (measure refresh and segment counts only). */
  skipRebuild?: boolean;
}

/** Default data directory of a seeded SQLite data set (under /tmp: never in the repository). */
export const defaultDataDir = (customers: number) => path.join(os.tmpdir(), 'insure-bench', `sqlite-${customers}`);

export function line(label: string, value: string | number) {
  process.stdout.write(`${label.padEnd(34)} ${value}\n`);
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
export const megabytes = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

/** VmHWM (peak resident set) and VmRSS of a process, in kB, from /proc. */
export function processMemory(pid: number): { peakKb: number; rssKb: number } | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const read = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    return { peakKb: read('VmHWM'), rssKb: read('VmRSS') };
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc (clock ticks of 10 ms). */
export function processCpuSeconds(pid: number): number | null {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/**
 * Samples a process's memory and CPU time every interval; the peak is also taken from VmHWM, which the
 * kernel keeps. CPU time is reported next to wall time because the machine is shared (noisy).
 */
export function processSampler(pid: number, intervalMs = 200) {
  let peakKb = 0;
  let lastKb = 0;
  let cpuSeconds = 0;
  const startCpu = processCpuSeconds(pid) ?? 0;
  const sample = () => {
    const memory = processMemory(pid);
    const cpu = processCpuSeconds(pid);
    if (cpu !== null) cpuSeconds = cpu - startCpu;
    if (!memory) return;
    peakKb = Math.max(peakKb, memory.peakKb, memory.rssKb);
    lastKb = memory.rssKb;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      sample();
      clearInterval(timer);
      return { peakKb, lastKb, cpuSeconds };
    },
  };
}

export interface RunningServer {
  child: ChildProcess;
  pid: number;
  baseUrl: string;
  token: string;
  stop(): Promise<void>;
}

/** Starts bench/server.ts (the real app via buildApp) as a child process on a loopback port. */
export async function startServer(options: { dataDir: string; databaseUrl?: string; sqliteSynchronous?: 'FULL' | 'NORMAL' }): Promise<RunningServer> {
  // BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the server without touching the load generator.
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(benchDir, 'server.ts')], {
    cwd: benchDir,
    env: { ...process.env, BENCH_DATA_DIR: options.dataDir, BENCH_DATABASE_URL: options.databaseUrl ?? '', BENCH_SQLITE_SYNCHRONOUS: options.sqliteSynchronous ?? '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = await new Promise<{ port: number; token: string; pid: number }>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.once('line', (text) => resolve(JSON.parse(text) as { port: number; token: string; pid: number }));
    child.once('exit', (code) => reject(new Error(`server exited with code ${code} before it was ready`)));
  });
  return {
    child,
    pid: ready.pid,
    baseUrl: `http://127.0.0.1:${ready.port}`,
    token: ready.token,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Authenticated JSON call to the running server. */
export async function api<T = Record<string, unknown>>(server: RunningServer, method: string, url: string, body?: unknown): Promise<T> {
  const response = await fetch(`${server.baseUrl}${url}`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

export function machine(): Record<string, string> {
  return {
    cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'}`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    sqlite: String((new SQLite(':memory:').prepare('select sqlite_version() as version').get() as { version: string }).version),
    load: os.loadavg().map((value) => value.toFixed(2)).join(' '),
  };
}
