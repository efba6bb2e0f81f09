import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isEnumField } from '@insure/model/field';
import { getEntity } from '@insure/model/registry';
import ExcelJS from 'exceljs';
import { importFields } from '../server/src/entities/import.ts';
import { pick, prng, uniquePerson } from '../server/src/seed/generator.ts';
import { type BenchOptions, type RunningServer, api, line, megabytes, processSampler, seconds, startServer } from './lib/common.ts';

const xlsxMime = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

interface Owner {
  code: string;
  orgCode: string;
}

/** Active salespeople (code + their organisation's code): imported rows refer to them by code. */
async function owners(server: RunningServer): Promise<Owner[]> {
  const page = await api<{ items: { code: string; _refs: { orgId: { code: string } } }[] }>(server, 'GET', '/api/salespeople?status=active&pageSize=200');
  return page.items.map((item) => ({ code: item.code, orgCode: item._refs.orgId.code }));
}

/** A customer workbook in the template's layout (zh headers), with new, unique ID numbers. */
export async function writeCustomerWorkbook(file: string, rows: number, people: Owner[]) {
  const entity = getEntity('customer');
  const fields = importFields(entity);
  const random = prng(4242);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: false, useSharedStrings: false });
  const sheet = workbook.addWorksheet(entity.label.zh);
  sheet.addRow(fields.map(([, field]) => `${field.required ? '*' : ''}${field.label.zh}`)).commit();
  const optionLabel = (name: string, value: string) => {
    const field = entity.fields[name]!;
    return isEnumField(field) ? (field.options.find((option) => option.value === value)?.label.zh ?? value) : value;
  };
  const randomOption = (name: string) => {
    const field = entity.fields[name]!;
    return isEnumField(field) ? pick(random, field.options).label.zh : '';
  };
  for (let n = 0; n < rows; n++) {
    const person = uniquePerson(random, 60_000_000 + n);
    const owner = pick(random, people);
    const values: Record<string, string | null> = {
      name: person.name,
      category: optionLabel('category', random() < 0.97 ? 'individual' : 'enterprise'),
      gender: optionLabel('gender', person.gender),
      birthDate: person.birthDate,
      idNumber: person.idNumber,
      phone: person.phone,
      province: person.province,
      city: person.city,
      homeAddress: person.homeAddress,
      postcode: String(100000 + Math.floor(random() * 800000)),
      occupation: person.occupation,
      employer: person.employer,
      education: randomOption('education'),
      maritalStatus: randomOption('maritalStatus'),
      incomeBand: randomOption('incomeBand'),
      source: randomOption('source'),
      ownerId: owner.code,
      orgId: owner.orgCode,
      remarks: n % 10 === 0 ? '批量导入' : null,
    };
    sheet.addRow(fields.map(([name]) => values[name] ?? null)).commit();
  }
  sheet.commit();
  await workbook.commit();
}

function copyDataDir(from: string, to: string) {
  fs.rmSync(to, { recursive: true, force: true });
  fs.mkdirSync(to, { recursive: true });
  for (const file of fs.readdirSync(from)) {
    if (file.startsWith('insure.db') || file === 'secret.key') fs.copyFileSync(path.join(from, file), path.join(to, file));
  }
}

async function post(server: RunningServer, url: string, body: Buffer) {
  const sampler = processSampler(server.pid, 100);
  const started = performance.now();
  const response = await fetch(`${server.baseUrl}${url}`, { method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': xlsxMime }, body: new Uint8Array(body.buffer, body.byteOffset, body.length) as Uint8Array<ArrayBuffer> });
  const text = await response.text();
  const elapsed = performance.now() - started;
  return { status: response.status, text, elapsed, ...sampler.stop() };
}

/**
 * Import of generated customer rows through POST /api/customers/import: a dry run (read + validate + duplicate
 * checks) and the real all-or-nothing import. On SQLite it works on a copy of the seeded data directory.
 */
export async function importBench(options: BenchOptions & { inPlace?: boolean }) {
  const scratch = path.join(os.tmpdir(), 'insure-bench', 'import-scratch');
  let dataDir = options.dataDir;
  if (!options.databaseUrl && !options.inPlace) {
    const copyStarted = performance.now();
    copyDataDir(options.dataDir, scratch);
    dataDir = scratch;
    line('copied data set to', `${scratch} (${seconds(performance.now() - copyStarted)})`);
  }
  const server = await startServer({ dataDir, databaseUrl: options.databaseUrl });
  try {
    const file = path.join(os.tmpdir(), 'insure-bench', `import-customers-${options.rows}.xlsx`);
    const generated = performance.now();
    await writeCustomerWorkbook(file, options.rows, await owners(server));
    const body = fs.readFileSync(file);
    line('workbook', `${options.rows.toLocaleString('en')} rows, ${(body.length / 2 ** 20).toFixed(1)} MB (written in ${seconds(performance.now() - generated)})`);
    const dry = await post(server, '/api/customers/import?dryRun=true', body);
    line('dry run (read + validate)', `${seconds(dry.elapsed)} → ${dry.status} ${dry.text.slice(0, 120)}`);
    if (dry.status !== 200) {
      const problems = (JSON.parse(dry.text) as { params?: { total?: number; problems?: unknown[] } }).params;
      line('  problems', `${problems?.total ?? '?'}: ${JSON.stringify(problems?.problems?.slice(0, 5))}`);
    }
    const real = await post(server, '/api/customers/import', body);
    line('import', `${seconds(real.elapsed)} → ${real.status} ${real.text.slice(0, 120)}`);
    line('import rows / s', Math.round(options.rows / (real.elapsed / 1000)).toLocaleString('en'));
    line('server CPU during import', `${real.cpuSeconds.toFixed(1)} s`);
    line('server peak RSS (VmHWM)', megabytes(Math.max(dry.peakKb, real.peakKb)));
  } finally {
    await server.stop();
  }
}
