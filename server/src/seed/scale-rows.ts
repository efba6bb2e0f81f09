import { getEntity } from '@insure/model/registry';
import type { Dialect } from '../db/database.ts';
import type { FieldCipher } from '../platform/crypto.ts';
import { type RowBatch, RowMapper, type SystemValues } from './bulk-writer.ts';
import { cities, pick, prng, uniquePerson } from './generator.ts';

/** Entities the scale seed writes, in an order where every row's references are written before it. */
export const scaleEntities = ['organisation', 'product', 'salesperson', 'customer', 'policy', 'claim', 'signing', 'opportunity', 'interaction'] as const;
export type ScaleEntity = (typeof scaleEntities)[number];

export interface ScalePlan {
  seed: number;
  customers: number;
  /** Clock time of the run (ms): every generated date is relative to it. */
  now: number;
  headId: number;
  firstIds: Record<ScaleEntity, number>;
}

export type ScaleCounts = Record<'organisations' | 'salespeople' | 'products' | 'customers' | 'policies' | 'claims' | 'signings' | 'opportunities' | 'interactions', number>;

export interface ScaleChunk {
  /** Position in the whole run (0 = organisations, products and salespeople): chunks are written in this order. */
  sequence: number;
  batches: RowBatch[];
  /** Customers generated so far (0 during the setup rows). */
  customersDone: number;
}

/** This generator's share of the chunks when several run side by side (each one maps every `count`-th chunk). */
export interface Shard {
  index: number;
  count: number;
}

const productCatalogue: { type: string; names: string[]; premium: [number, number]; sum: [number, number]; age: [number, number] }[] = [
  { type: 'life', names: ['鑫福终身寿险', '安享定期寿险', '传家宝终身寿'], premium: [3000, 30000], sum: [200000, 3000000], age: [18, 60] },
  { type: 'health', names: ['百万医疗险', '安心住院医疗', '中端医疗保障'], premium: [300, 3000], sum: [1000000, 6000000], age: [0, 65] },
  { type: 'criticalIllness', names: ['康宁重疾险', '守护重大疾病保险', '少儿重疾险'], premium: [2000, 15000], sum: [300000, 1000000], age: [0, 55] },
  { type: 'accident', names: ['综合意外险', '交通意外险', '高危职业意外险'], premium: [100, 1000], sum: [100000, 1000000], age: [0, 70] },
  { type: 'annuity', names: ['金色年华年金', '养老年金保险', '教育金年金'], premium: [10000, 100000], sum: [100000, 2000000], age: [0, 65] },
  { type: 'property', names: ['家庭财产险', '小微企业财产险'], premium: [200, 5000], sum: [100000, 5000000], age: [18, 80] },
  { type: 'auto', names: ['机动车商业险', '交强险'], premium: [950, 8000], sum: [200000, 3000000], age: [18, 80] },
  { type: 'liability', names: ['雇主责任险', '公众责任险'], premium: [500, 20000], sum: [500000, 5000000], age: [18, 80] },
];
const policyCounts = [0, 0, 1, 1, 1, 2, 2, 2, 3, 3];
const day = 86_400_000;
const isoDate = (time: number) => new Date(time).toISOString().slice(0, 10);

/** Assigns ids and maps generated values to rows of one entity. */
class TableSink {
  private rows: unknown[][] = [];
  private nextId: number;
  written = 0;
  /** Off while generating another shard's chunk: ids and random draws advance, no row is built. */
  active = true;

  constructor(
    private readonly mapper: RowMapper,
    firstId: number,
  ) {
    this.nextId = firstId;
  }

  peekNextId() {
    return this.nextId;
  }

  get lastId() {
    return this.nextId - 1;
  }

  add(values: Record<string, unknown>, system: SystemValues): number {
    const id = this.nextId++;
    if (this.active) this.rows.push(this.mapper.row(id, values, system));
    this.written++;
    return id;
  }

  take(): RowBatch {
    const rows = this.rows;
    this.rows = [];
    return { entity: this.mapper.entity.name, table: this.mapper.entity.table, columns: this.mapper.columns, rows };
  }
}

/**
 * Benchmark-scale rows (deterministic for a seed): organisations, products and salespeople, then N customers
 * with ~1.5 N policies, ~0.3 N claims and signings, opportunities and interactions. Pure: no database access,
 * so it can run in worker threads while the caller writes the chunks they yield. Every shard draws the
 * whole random sequence (cheap) but builds and encrypts the rows of its own chunks only (the costly part).
 */
export function* generateScaleRows(
  plan: ScalePlan,
  cipher: FieldCipher,
  dialect: Dialect,
  shard: Shard = { index: 0, count: 1 },
  chunkCustomers = 2000,
): Generator<ScaleChunk, { counts: ScaleCounts; lastIds: Record<ScaleEntity, number> }> {
  const { seed, customers, now, headId } = plan;
  const sinks = Object.fromEntries(scaleEntities.map((name) => [name, new TableSink(new RowMapper(getEntity(name), cipher, dialect), plan.firstIds[name])])) as Record<ScaleEntity, TableSink>;
  let sequence = 0;
  const owns = (position: number) => position % shard.count === shard.index;
  const chunk = (customersDone: number): ScaleChunk => ({ sequence, batches: scaleEntities.map((name) => sinks[name].take()).filter((batch) => batch.rows.length), customersDone });
  const startChunk = (position: number) => {
    sequence = position;
    for (const sink of Object.values(sinks)) sink.active = owns(position);
  };
  startChunk(0);
  const random = prng(seed);
  const createdAt = new Date(now).toISOString();

  const teams: number[] = [];
  for (const [index, province] of Object.keys(cities).entries()) {
    const branchId = sinks.organisation.add({ name: `${province.replace(/省|市/, '')}分公司`, orgCode: `B${seed}${index}`, type: 'branch', parentId: headId, level: 2, path: `/${headId}/${sinks.organisation.peekNextId()}/` }, { createdAt });
    for (let team = 1; team <= 3; team++) {
      const id = sinks.organisation.peekNextId();
      teams.push(sinks.organisation.add({ name: `${province.replace(/省|市/, '')}营业${team}部`, orgCode: `B${seed}${index}T${team}`, type: 'agency', parentId: branchId, level: 3, path: `/${headId}/${branchId}/${id}/` }, { createdAt }));
    }
  }
  const products: { id: number; type: string; premium: [number, number]; sum: [number, number] }[] = [];
  for (const entry of productCatalogue) {
    for (const name of entry.names) {
      const id = sinks.product.add(
        { name: `${name}${seed > 1 ? seed : ''}`, insuranceType: entry.type, insurer: pick(random, ['本公司', '中国人寿', '平安保险', '太平洋保险']), insurancePeriod: pick(random, ['1年', '20年', '终身', '至70岁']), sumInsuredMin: entry.sum[0], sumInsuredMax: entry.sum[1], minAge: entry.age[0], maxAge: entry.age[1], basePremium: entry.premium[0] },
        { status: 'onSale', createdAt },
      );
      products.push({ id, type: entry.type, premium: entry.premium, sum: entry.sum });
    }
  }
  const salespeople: { id: number; orgId: number }[] = [];
  const salespersonTotal = Math.max(20, Math.round(customers / 100));
  for (let n = 0; n < salespersonTotal; n++) {
    const person = uniquePerson(random, 90_000_000 + seed * 100_000 + n, 22, 58);
    const orgId = teams[n % teams.length]!;
    const id = sinks.salesperson.add(
      { name: person.name, gender: person.gender, birthDate: person.birthDate, idNumber: person.idNumber, phone: person.phone, position: '业务员', education: 'bachelor', joinDate: isoDate(now - random() * 3650 * day), orgId },
      { status: random() < 0.92 ? 'active' : 'left', createdAt },
    );
    salespeople.push({ id, orgId });
  }
  if (owns(0)) yield chunk(0);
  startChunk(1);

  const stages = ['lead', 'contacted', 'needsAnalysis', 'proposal', 'negotiation', 'won', 'lost'];
  for (let n = 0; n < customers; n++) {
    const person = uniquePerson(random, n + (seed - 1) * customers);
    const owner = random() < 0.92 ? salespeople[Math.floor(random() * salespeople.length)]! : null;
    const orgId = owner?.orgId ?? headId;
    const customerCreated = now - random() * 8 * 365 * day;
    const customerId = sinks.customer.add(
      {
        name: person.name, category: random() < 0.97 ? 'individual' : 'enterprise', gender: person.gender, birthDate: person.birthDate, idNumber: person.idNumber,
        phone: person.phone, province: person.province, city: person.city, homeAddress: person.homeAddress, occupation: person.occupation, employer: person.employer,
        education: pick(random, ['highSchool', 'college', 'bachelor', 'bachelor', 'master']), maritalStatus: pick(random, ['single', 'married', 'married', 'married', 'divorced']),
        incomeBand: pick(random, ['lt50k', '50k-100k', '100k-300k', '100k-300k', '300k-1m', 'gt1m']), source: pick(random, ['referral', 'walkIn', 'phone', 'online', 'event', 'bank']),
        ownerId: owner?.id ?? null, orgId,
      },
      { status: random() < 0.95 ? 'normal' : pick(random, ['abnormal', 'unreviewed']), createdAt: new Date(customerCreated).toISOString() },
    );
    for (let p = policyCounts[Math.floor(random() * policyCounts.length)]!; p > 0; p--) {
      const product = pick(random, products);
      const start = customerCreated + random() * (now - customerCreated);
      const years = product.type === 'health' || product.type === 'accident' || product.type === 'auto' || product.type === 'property' ? 1 : pick(random, [10, 20, 30]);
      const end = start + years * 365 * day;
      const premium = Math.round(product.premium[0] + random() * (product.premium[1] - product.premium[0]));
      const sumInsured = Math.round((product.sum[0] + random() * (product.sum[1] - product.sum[0])) / 10000) * 10000;
      const status = end < now ? pick(random, ['expired', 'expired', 'lapsed']) : random() < 0.04 ? pick(random, ['surrendered', 'cancelled', 'lapsed']) : 'inForce';
      const policyId = sinks.policy.add(
        {
          policyNo: `P${seed}${String(sinks.policy.peekNextId()).padStart(10, '0')}`, applicantId: customerId, insuredId: customerId, productId: product.id, insuranceType: product.type,
          startDate: isoDate(start), endDate: isoDate(end), premium, sumInsured, paymentFrequency: years === 1 ? 'single' : 'annual', nextDueDate: status === 'inForce' && years > 1 ? isoDate(start + Math.ceil((now - start) / (365 * day)) * 365 * day) : null,
          salespersonId: owner?.id ?? null, orgId,
        },
        { status, createdAt: new Date(start).toISOString() },
      );
      if (random() < 0.2) {
        sinks.signing.add(
          { signingNo: `S${seed}${policyId}`, insurer: '本公司', signingDate: isoDate(start - 5 * day), amount: premium, insuranceType: product.type, productId: product.id, customerId, insuredId: customerId, salespersonId: owner?.id ?? null, orgId },
          { status: 'issued', createdAt: new Date(start - 5 * day).toISOString() },
        );
      }
      if (random() < 0.2) {
        const incident = start + random() * Math.min(end - start, now - start);
        const requested = Math.round(Math.min(sumInsured, 500 + random() * sumInsured * 0.1));
        const claimStatus = pick(random, ['reported', 'accepted', 'investigating', 'approved', 'rejected', 'paid', 'paid', 'closed', 'closed', 'closed']);
        const approved = ['approved', 'paid', 'closed'].includes(claimStatus) ? Math.round(requested * (0.6 + random() * 0.4)) : null;
        sinks.claim.add(
          { claimNo: `C${seed}${policyId}`, policyId, insuredId: customerId, reporter: person.name, claimType: pick(random, ['medical', 'medical', 'accident', 'criticalIllness', 'other']), incidentAt: new Date(incident).toISOString(), requestedAmount: requested, approvedAmount: approved, paidAmount: claimStatus === 'paid' || claimStatus === 'closed' ? approved : null, salespersonId: owner?.id ?? null, orgId },
          { status: claimStatus, createdAt: new Date(incident).toISOString() },
        );
      }
    }
    if (random() < 0.1) {
      const product = pick(random, products);
      const stage = pick(random, stages);
      sinks.opportunity.add(
        { title: `${person.name}-${product.type}`, customerId, productId: product.id, source: pick(random, ['referral', 'phone', 'online', 'event']), attention: pick(random, ['low', 'medium', 'high']), stage, probability: stages.indexOf(stage) * 15, expectedAmount: product.premium[1], expectedCloseDate: isoDate(now + random() * 90 * day), ownerId: owner?.id ?? null, orgId },
        { createdAt },
      );
    }
    if (random() < 0.3) {
      sinks.interaction.add(
        { subject: '客户回访', customerId, type: pick(random, ['contact', 'care', 'care', 'survey', 'development', 'complaint']), occurredAt: new Date(now - random() * 365 * day).toISOString(), channel: pick(random, ['phone', 'visit', 'wechat']), content: '电话沟通保障需求', nextFollowUpDate: random() < 0.3 ? isoDate(now + random() * 30 * day) : null, ownerId: owner?.id ?? null, orgId },
        { createdAt },
      );
    }
    if ((n + 1) % chunkCustomers === 0 || n + 1 === customers) {
      if (owns(sequence)) yield chunk(n + 1);
      startChunk(sequence + 1);
    }
  }
  return {
    counts: {
      organisations: sinks.organisation.written,
      salespeople: sinks.salesperson.written,
      products: sinks.product.written,
      customers: sinks.customer.written,
      policies: sinks.policy.written,
      claims: sinks.claim.written,
      signings: sinks.signing.written,
      opportunities: sinks.opportunity.written,
      interactions: sinks.interaction.written,
    },
    lastIds: Object.fromEntries(scaleEntities.map((name) => [name, sinks[name].lastId])) as Record<ScaleEntity, number>,
  };
}
