import { fakePerson, idNumber, mobile, prng } from '../src/seed/generator.ts';
import type { Client } from './test-app.ts';

/** Seeded so a failing run can be replayed; uniqueness is tracked so ID numbers never clash by chance. */
const random = prng(20261123);
const usedIdNumbers = new Set<string>();
const usedPhones = new Set<string>();
let sequence = 0;

export function uniquePerson() {
  let person = fakePerson(random);
  while (usedIdNumbers.has(person.idNumber) || usedPhones.has(person.phone)) person = fakePerson(random);
  usedIdNumbers.add(person.idNumber);
  usedPhones.add(person.phone);
  return person;
}

/** A valid ID number for a birth date (Beijing Dongcheng region code), unique in this test file. */
export function validIdNumber(birth = '1985-04-12'): string {
  let value = idNumber(random, birth, '110101', true);
  while (usedIdNumbers.has(value)) value = idNumber(random, birth, '110101', random() < 0.5);
  usedIdNumbers.add(value);
  return value;
}

export function uniquePhone(): string {
  let value = mobile(random);
  while (usedPhones.has(value)) value = mobile(random);
  usedPhones.add(value);
  return value;
}

/** Same digits, wrong GB 11643 check character. */
export function withBadChecksum(value: string): string {
  const last = value.at(-1)!;
  return value.slice(0, -1) + (last === '0' ? '1' : '0');
}

export type Input = Record<string, unknown>;

export function buildCustomer(overrides: Input & { orgId: number }): Input {
  const person = uniquePerson();
  return {
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
    employer: person.employer,
    education: 'bachelor',
    source: 'referral',
    ...overrides,
  };
}

export function buildSalesperson(overrides: Input & { orgId: number }): Input {
  const person = uniquePerson();
  return {
    name: person.name,
    gender: person.gender,
    birthDate: person.birthDate,
    idNumber: person.idNumber,
    phone: person.phone,
    position: '业务员',
    joinDate: '2020-03-15',
    ...overrides,
  };
}

export function buildOrganisation(overrides: Input & { parentId: number | null }): Input {
  sequence += 1;
  return { name: `测试机构${sequence}`, orgCode: `T${String(sequence).padStart(4, '0')}${random().toString(36).slice(2, 6)}`, type: 'branch', ...overrides };
}

async function created(client: Client, url: string, body: Input) {
  const response = await client.request('POST', url, body);
  if (response.status !== 201) throw new Error(`POST ${url}: ${response.status} ${response.text}`);
  return response.body;
}

export const createOrganisation = (client: Client, overrides: Input & { parentId: number | null }) => created(client, '/api/organisations', buildOrganisation(overrides));
export const createSalesperson = (client: Client, overrides: Input & { orgId: number }) => created(client, '/api/salespeople', buildSalesperson(overrides));
export const createCustomer = (client: Client, overrides: Input & { orgId: number }) => created(client, '/api/customers', buildCustomer(overrides));

/** The head office created by bootstrap. */
export async function headOfficeId(client: Client): Promise<number> {
  const response = await client.request('GET', '/api/organisations/tree');
  return response.body.items[0].id as number;
}

/** Records the customer's consent to one category of sensitive data (needed before revealing it). */
export const grantConsent = (client: Client, customerId: number, category: 'health' | 'idNumber' | 'financial', overrides: Input = {}) =>
  created(client, '/api/consents', { customerId, category, purpose: 'underwriting', channel: 'paper', grantedAt: '2020-01-01', ...overrides });
