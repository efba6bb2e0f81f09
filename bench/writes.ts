import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import SQLite from 'better-sqlite3';
import { fakePerson, prng } from '../server/src/seed/generator.ts';
import { type BenchOptions, type RunningServer, api, line, processSampler, startServer } from './lib/common.ts';

type Mode = 'FULL' | 'NORMAL';

/** Customer bodies with ID numbers and phones unique across the whole run (the API refuses duplicates). */
function customerBodies(orgId: number, seed: number) {
  const random = prng(seed);
  const ids = new Set<string>();
  const phones = new Set<string>();
  return () => {
    let person = fakePerson(random);
    while (ids.has(person.idNumber) || phones.has(person.phone)) person = fakePerson(random);
    ids.add(person.idNumber);
    phones.add(person.phone);
    return JSON.stringify({
      name: person.name,
      category: 'individual',
      gender: person.gender,
      birthDate: person.birthDate,
      idNumber: person.idNumber,
      phone: person.phone,
      province: person.province,
      city: person.city,
      homeAddress: person.homeAddress,
      occupation: person.occupation,
      source: 'referral',
      orgId,
    });
  };
}

async function post(server: RunningServer, body: string) {
  const response = await fetch(`${server.baseUrl}/api/customers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body,
  });
  await response.arrayBuffer();
  if (response.status !== 201) throw new Error(`create customer: ${response.status}`);
}

const percentile = (sorted: number[], share: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))]!;

/** One mode on a fresh data directory: sequential creates (one commit's latency), then concurrent ones (throughput). */
async function runMode(mode: Mode, options: BenchOptions, sequential: number) {
  const dataDir = path.join(os.tmpdir(), 'insure-bench', `writes-${mode.toLowerCase()}`);
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  const server = await startServer({ dataDir, sqliteSynchronous: mode });
  try {
    const org = await api<{ items: { id: number }[] }>(server, 'GET', '/api/organisations?pageSize=1');
    const next = customerBodies(org.items[0]!.id, mode === 'FULL' ? 11 : 12);
    for (let n = 0; n < 20; n++) await post(server, next());
    const times: number[] = [];
    const sampler = processSampler(server.pid);
    const started = performance.now();
    for (let n = 0; n < sequential; n++) {
      const begun = performance.now();
      await post(server, next());
      times.push(performance.now() - begun);
    }
    const elapsed = performance.now() - started;
    const sequentialCpu = sampler.stop().cpuSeconds;
    times.sort((a, b) => a - b);
    const concurrentSampler = processSampler(server.pid);
    const result = await autocannon({
      url: server.baseUrl,
      connections: options.connections,
      duration: options.duration,
      timeout: 10,
      headers: { authorization: `Bearer ${server.token}` },
      requests: [{ method: 'POST', path: '/api/customers', headers: { 'content-type': 'application/json' }, setupRequest: (request) => ({ ...request, body: next() }) }],
    });
    const { cpuSeconds } = concurrentSampler.stop();
    const figures = {
      mode,
      sequentialPerSecond: Math.round((sequential / elapsed) * 1000),
      sequentialMedian: percentile(times, 0.5),
      sequentialP99: percentile(times, 0.99),
      sequentialCpuMs: (sequentialCpu * 1000) / sequential,
      concurrentPerSecond: Math.round(result.requests.average),
      concurrentP50: result.latency.p50,
      concurrentP99: result.latency.p99,
      created: result['2xx'],
      failed: result.non2xx + result.errors + result.timeouts,
      concurrentCpuMs: (cpuSeconds * 1000) / Math.max(1, result['2xx']),
    };
    process.stdout.write(`\nSQLITE_SYNCHRONOUS=${mode} (${dataDir})\n`);
    line('  sequential creates', `${sequential} in ${(elapsed / 1000).toFixed(1)} s: ${figures.sequentialPerSecond}/s, median ${figures.sequentialMedian.toFixed(1)} ms, p99 ${figures.sequentialP99.toFixed(1)} ms`);
    line(`  ${options.connections} connections × ${options.duration} s`, `${figures.concurrentPerSecond}/s, p50 ${figures.concurrentP50} ms, p99 ${figures.concurrentP99} ms, ${figures.created} created, ${figures.failed} failed`);
    line('  server CPU per create', `${figures.sequentialCpuMs.toFixed(2)} ms sequential, ${figures.concurrentCpuMs.toFixed(2)} ms concurrent`);
    return figures;
  } finally {
    await server.stop();
  }
}

/**
 * The commit alone, without the API: single-row transactions on a WAL database in the same directory tree. Shows
 * what the disk's fsync costs, which the API figures hide when the server's CPU is the bottleneck.
 */
function bareCommits(mode: Mode, commits: number) {
  const dir = path.join(os.tmpdir(), 'insure-bench', `writes-bare-${mode.toLowerCase()}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const db = new SQLite(path.join(dir, 'bare.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${mode}`);
    db.exec('create table rows (id integer primary key, body text not null)');
    const insert = db.prepare('insert into rows (body) values (?)');
    const body = 'x'.repeat(600);
    const times: number[] = [];
    for (let n = 0; n < commits; n++) {
      const begun = performance.now();
      db.transaction(() => insert.run(body))();
      times.push(performance.now() - begun);
    }
    times.sort((a, b) => a - b);
    const total = times.reduce((sum, time) => sum + time, 0);
    return { perSecond: Math.round((commits / total) * 1000), median: percentile(times, 0.5), p99: percentile(times, 0.99) };
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What `synchronous=FULL` costs on writes: customer creates through the API (each one transaction with its audit
 * row) on a fresh small SQLite data directory per mode, FULL then NORMAL, then FULL again so drift on a shared
 * machine shows up. Figures only; no assertions.
 */
export async function writesBench(options: BenchOptions) {
  const sequential = Math.max(50, options.writes ?? 300);
  line('sequential creates per mode', sequential);
  process.stdout.write('\nbare SQLite commits (one 600-byte row per transaction, WAL)\n| SQLITE_SYNCHRONOUS | commits/s | median ms | p99 ms |\n| --- | ---: | ---: | ---: |\n');
  for (const mode of ['FULL', 'NORMAL', 'FULL'] as const) {
    const bare = bareCommits(mode, 1000);
    process.stdout.write(`| ${mode} | ${bare.perSecond} | ${bare.median.toFixed(3)} | ${bare.p99.toFixed(3)} |\n`);
  }
  const runs = [await runMode('FULL', options, sequential), await runMode('NORMAL', options, sequential), await runMode('FULL', options, sequential)];
  process.stdout.write('\n| SQLITE_SYNCHRONOUS | sequential creates/s | sequential median ms | sequential p99 ms | concurrent creates/s | concurrent p50 ms | concurrent p99 ms | failed |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n');
  for (const run of runs) {
    process.stdout.write(
      `| ${run.mode} | ${run.sequentialPerSecond} | ${run.sequentialMedian.toFixed(1)} | ${run.sequentialP99.toFixed(1)} | ${run.concurrentPerSecond} | ${run.concurrentP50} | ${run.concurrentP99} | ${run.failed} |\n`,
    );
  }
}
