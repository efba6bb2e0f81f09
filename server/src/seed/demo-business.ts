import { getEntity } from '@insure/model/registry';
import type { WriteContext } from '../entities/context.ts';
import { applyTransition } from '../entities/workflow.ts';
import { createRecord } from '../entities/write.ts';
import { addDays, ageAt } from '../domains/insurance/insurance.rules.ts';
import { pick } from './generator.ts';

export interface DemoPeople {
  headId: number;
  branchIds: number[];
  salespeople: { id: number; orgId: number }[];
  customers: { id: number; orgId: number; ownerId: number | null; birthDate: string }[];
  accountIds: number[];
}

const products = [
  { name: '鑫福终身寿险', insuranceType: 'life', insurer: '本公司', insurancePeriod: '终身', sumInsuredMin: 100000, sumInsuredMax: 5000000, minAge: 18, maxAge: 60, basePremium: 8000, years: 20 },
  { name: '百万医疗险', insuranceType: 'health', insurer: '本公司', insurancePeriod: '1年', sumInsuredMin: 1000000, sumInsuredMax: 6000000, minAge: 0, maxAge: 65, basePremium: 600, years: 1 },
  { name: '康宁重疾险', insuranceType: 'criticalIllness', insurer: '本公司', insurancePeriod: '至70岁', sumInsuredMin: 200000, sumInsuredMax: 1000000, minAge: 0, maxAge: 55, basePremium: 5000, years: 30 },
  { name: '综合意外险', insuranceType: 'accident', insurer: '本公司', insurancePeriod: '1年', sumInsuredMin: 100000, sumInsuredMax: 1000000, minAge: 0, maxAge: 75, basePremium: 200, years: 1 },
  { name: '金色年华年金', insuranceType: 'annuity', insurer: '本公司', insurancePeriod: '至80岁', sumInsuredMin: 100000, sumInsuredMax: 3000000, minAge: 18, maxAge: 65, basePremium: 20000, years: 20 },
  { name: '家庭财产险', insuranceType: 'property', insurer: '合作保险公司', insurancePeriod: '1年', sumInsuredMin: 100000, sumInsuredMax: 3000000, minAge: 18, maxAge: 80, basePremium: 300, years: 1 },
  { name: '机动车商业险', insuranceType: 'auto', insurer: '合作保险公司', insurancePeriod: '1年', sumInsuredMin: 200000, sumInsuredMax: 3000000, minAge: 18, maxAge: 80, basePremium: 3500, years: 1 },
];

/** Products, policies, claims, signings and the records of the other modules, all through the engine and workflows. */
export async function loadDemoBusiness(ctx: WriteContext, random: () => number, people: DemoPeople): Promise<void> {
  const entity = (name: string) => getEntity(name);
  const today = ctx.now.toISOString().slice(0, 10);
  const productIds: number[] = [];
  for (const product of products) {
    const { years: _years, ...fields } = product;
    productIds.push(await createRecord(ctx, entity('product'), { ...fields, coverage: `${product.name}：按合同约定给付保险金。`, claimInstructions: '出险后 48 小时内报案，提交理赔申请书、身份证明及相关证明材料。' }));
  }
  await createRecord(ctx, entity('product'), { name: '老年防癌险（停售）', insuranceType: 'criticalIllness', insurer: '本公司', minAge: 50, maxAge: 80, basePremium: 3000, status: 'offSale' });
  for (const name of ['高净值', '有未成年子女', '重疾缺口', '续保关注', 'VIP']) await createRecord(ctx, entity('customerTag'), { name, color: pick(random, ['blue', 'gold', 'red', 'green', 'purple']) });
  for (const name of ['家庭客户', '企业主', '银保客户']) await createRecord(ctx, entity('customerGroup'), { name, orgId: people.headId });

  const policyIds: { id: number; sumInsured: number; start: string; end: string; orgId: number }[] = [];
  for (const customer of people.customers.filter(() => random() < 0.35)) {
    const candidates = products.map((product, index) => ({ product, id: productIds[index]! }));
    const start = addDays(today, -Math.floor(random() * 330));
    const fitting = candidates.filter(({ product }) => {
      const age = ageAt(customer.birthDate, start);
      return age >= product.minAge && age <= product.maxAge;
    });
    if (!fitting.length) continue;
    const { product, id: productId } = pick(random, fitting);
    const end = addDays(start, product.years * 365 + (product.years === 1 ? 60 : 0));
    const sumInsured = Math.round((product.sumInsuredMin + random() * (product.sumInsuredMax - product.sumInsuredMin)) / 10000) * 10000;
    const premium = Math.round(product.basePremium * (0.8 + random() * 0.8));
    const id = await createRecord(ctx, entity('policy'), {
      policyNo: `PD${String(policyIds.length + 1).padStart(8, '0')}`, applicantId: customer.id, insuredId: customer.id, productId, startDate: start, endDate: end, premium, sumInsured,
      paymentFrequency: product.years === 1 ? 'single' : 'annual', nextDueDate: product.years === 1 ? null : addDays(start, 365 * Math.ceil((Date.parse(today) - Date.parse(start)) / (365 * 86_400_000) + 0.001)),
      salespersonId: customer.ownerId, orgId: customer.orgId,
    });
    await applyTransition(ctx, entity('policy'), id, 'activate', {}, { system: true });
    policyIds.push({ id, sumInsured, start, end, orgId: customer.orgId });
  }

  const claimPaths = [['accept'], ['accept', 'investigate'], ['accept', 'investigate', 'approve'], ['accept', 'investigate', 'approve', 'pay'], ['accept', 'investigate', 'approve', 'pay', 'close'], ['accept', 'reject']];
  for (const policy of policyIds.filter(() => random() < 0.2)) {
    const lastDay = policy.end < today ? policy.end : today;
    const span = Math.max(0, Math.round((Date.parse(lastDay) - Date.parse(policy.start)) / 86_400_000));
    const incident = `${addDays(policy.start, Math.floor(random() * (span + 1)))}T08:00:00.000Z`;
    const requested = Math.round(Math.min(policy.sumInsured * 0.2, 2000 + random() * 30000));
    const claimId = await createRecord(ctx, entity('claim'), { claimNo: `CD${String(claimId0++).padStart(8, '0')}`, policyId: policy.id, claimType: pick(random, ['medical', 'medical', 'accident', 'criticalIllness']), incidentAt: incident, requestedAmount: requested, cause: '住院治疗，申请医疗费用报销', reporter: '本人', orgId: policy.orgId });
    for (const action of pick(random, claimPaths)) {
      const values = action === 'approve' ? { approvedAmount: Math.round(requested * 0.9) } : action === 'pay' ? { paidAmount: Math.round(requested * 0.9) } : action === 'close' ? { rating: 4 + Math.round(random()) } : {};
      await applyTransition(ctx, entity('claim'), claimId, action, { values, note: action === 'reject' ? '不属于保险责任范围' : undefined }, { system: true });
    }
  }

  const signingPaths = [[], ['submit'], ['submit', 'underwrite'], ['submit', 'underwrite', 'approve'], ['submit', 'underwrite', 'decline']];
  for (let n = 0; n < 30; n++) {
    const customer = pick(random, people.customers);
    const index = Math.floor(random() * products.length);
    const product = products[index]!;
    const age = ageAt(customer.birthDate, today);
    if (age < product.minAge || age > product.maxAge) continue;
    const id = await createRecord(ctx, entity('signing'), {
      signingNo: `S${String(n + 1).padStart(8, '0')}`, insurer: product.insurer, signingDate: today, amount: product.basePremium, sumInsured: product.sumInsuredMin, startDate: addDays(today, 1), endDate: addDays(today, product.years * 365),
      productId: productIds[index], customerId: customer.id, insuredId: customer.id, salespersonId: customer.ownerId, orgId: customer.orgId,
    });
    for (const action of pick(random, signingPaths)) await applyTransition(ctx, entity('signing'), id, action, { note: action === 'decline' ? '健康告知未通过' : undefined }, { system: true });
  }

  for (const customer of people.customers.filter(() => random() < 0.2)) {
    await createRecord(ctx, entity('interaction'), {
      subject: pick(random, ['生日关怀', '保单回访', '需求沟通', '续保提醒', '理赔协助']), customerId: customer.id, type: pick(random, ['contact', 'care', 'care', 'survey', 'development']),
      occurredAt: new Date(ctx.now.getTime() - random() * 60 * 86_400_000).toISOString(), channel: pick(random, ['phone', 'visit', 'wechat']), content: '与客户沟通保障需求和保单服务。',
      nextFollowUpDate: random() < 0.5 ? addDays(today, Math.floor(random() * 20) - 5) : null, ownerId: customer.ownerId, orgId: customer.orgId,
    });
  }
  const ticketPaths = [[], ['assign'], ['assign', 'start'], ['assign', 'start', 'resolve'], ['assign', 'start', 'resolve', 'close']];
  for (const customer of people.customers.filter(() => random() < 0.03)) {
    const id = await createRecord(ctx, entity('feedback'), { subject: pick(random, ['理赔进度咨询', '保单信息变更', '服务态度投诉', '产品建议']), customerId: customer.id, type: pick(random, ['feedback', 'complaint', 'suggestion']), content: '客户来电反映问题，需跟进处理。', salespersonId: customer.ownerId, orgId: customer.orgId });
    for (const action of pick(random, ticketPaths)) {
      const values = action === 'assign' ? { assigneeId: pick(random, people.accountIds) } : action === 'resolve' ? { handlingResult: '已与客户沟通并解决。' } : action === 'close' ? { satisfaction: 3 + Math.floor(random() * 3) } : {};
      await applyTransition(ctx, entity('feedback'), id, action, { values }, { system: true });
    }
  }
  const stages = ['lead', 'contacted', 'needsAnalysis', 'proposal', 'negotiation', 'won', 'lost'];
  for (const customer of people.customers.filter(() => random() < 0.08)) {
    const index = Math.floor(random() * products.length);
    const stage = pick(random, stages);
    await createRecord(ctx, entity('opportunity'), { title: `${products[index]!.name}需求`, customerId: customer.id, productId: productIds[index], source: pick(random, ['referral', 'phone', 'event', 'online']), attention: pick(random, ['low', 'medium', 'high']), stage, probability: Math.min(100, stages.indexOf(stage) * 20), expectedAmount: products[index]!.basePremium, expectedCloseDate: addDays(today, Math.floor(random() * 90)), lostReason: stage === 'lost' ? '客户选择了其他公司的产品' : null, ownerId: customer.ownerId, orgId: customer.orgId });
  }
  await loadDemoReferenceData(ctx, people, today);
}

let claimId0 = 1;

async function loadDemoReferenceData(ctx: WriteContext, people: DemoPeople, today: string) {
  const entity = (name: string) => getEntity(name);
  const templates: [string, string, string][] = [
    ['生日祝福', 'birthday', '尊敬的{customerName}，祝您生日快乐！感谢您一直以来的信任。'],
    ['保单到期提醒', 'policyExpiry', '尊敬的{customerName}，您的保单{policyNo}（{productName}）将于{date}到期，请及时续保。'],
    ['缴费提醒', 'premiumDue', '尊敬的{customerName}，您的保单{policyNo}应于{date}缴纳保费{amount}元。'],
    ['保单周年', 'anniversary', '尊敬的{customerName}，您的保单{policyNo}已生效满一年，感谢信任。'],
    ['理赔进度', 'claimProgress', '尊敬的{customerName}，您的理赔案件当前状态：{claimStatus}。'],
    ['签单成功', 'signingSuccess', '尊敬的{customerName}，您投保的{productName}已成功出单，保单号{policyNo}。'],
    ['资格证到期', 'licenceExpiry', '您的代理人资格证将于{date}到期，请及时办理续期。'],
  ];
  for (const [name, kind, contentZh] of templates) await createRecord(ctx, entity('smsTemplate'), { name, kind, contentZh });
  for (const [index, name] of ['春季健康讲座', '少儿教育金说明会', '客户答谢会', '企业团险推介'].entries()) {
    await createRecord(ctx, entity('campaign'), { name, startAt: `${addDays(today, index * 10 - 15)}T06:00:00.000Z`, location: '公司会议中心', audience: '存量客户及其家人', purpose: '客户经营与需求挖掘', budget: 20000, cost: index < 2 ? 15000 + index * 2000 : null, orgId: people.branchIds[index % people.branchIds.length] ?? people.headId, status: index < 2 ? 'finished' : 'planned' });
  }
  const year = today.slice(0, 4);
  for (const orgId of people.branchIds) {
    await createRecord(ctx, entity('salesPlan'), { name: `${year}年度销售计划`, periodType: 'year', periodStart: `${year}-01-01`, periodEnd: `${year}-12-31`, orgId, premiumTarget: 5000000, premiumStretch: 6000000, premiumChallenge: 7000000, policyCountTarget: 800, newCustomerTarget: 300 });
  }
  await createRecord(ctx, entity('incentivePolicy'), { name: '寿险首年佣金', ruleType: 'commission', insuranceType: 'life', policyYear: 1, ratePercent: 30, effectiveFrom: `${year}-01-01`, orgId: people.headId });
  await createRecord(ctx, entity('incentivePolicy'), { name: '健康险佣金', ruleType: 'commission', insuranceType: 'health', ratePercent: 15, effectiveFrom: `${year}-01-01`, orgId: people.headId });
  await createRecord(ctx, entity('incentivePolicy'), { name: '超额完成奖励', ruleType: 'planBonus', thresholdPercent: 110, amount: 5000, effectiveFrom: `${year}-01-01`, orgId: people.headId });
  const planId = await createRecord(ctx, entity('trainingPlan'), { name: '新人岗前培训', targetRoles: '新入职业务员', startDate: addDays(today, -20), endDate: addDays(today, 40), content: '公司制度、产品知识、销售技巧、合规要求', orgId: people.headId });
  for (const name of ['保险基础知识', '重疾险产品精讲', '需求分析与方案设计']) {
    const courseId = await createRecord(ctx, entity('trainingCourse'), { name, planId, trainer: '培训部', durationHours: 3, passMark: 60, orgId: people.headId });
    for (const salesperson of people.salespeople.slice(0, 6)) await createRecord(ctx, entity('trainingEnrolment'), { courseId, salespersonId: salesperson.id, orgId: salesperson.orgId });
  }
  await createRecord(ctx, entity('competitorAnalysis'), { title: '同业百万医疗险对比', analysisType: 'product', competitor: '某大型寿险公司', competitorProduct: '好医保', insuranceType: 'health', price: 580, content: '保障范围相近，我司续保条件更优。', advantages: '保证续保 20 年；理赔时效快。' });
  await createRecord(ctx, entity('reportDefinition'), { name: '年度销售报表（按险种）', reportType: 'sales', dimension: 'productType', periodFrom: `${year}-01-01`, periodTo: `${year}-12-31`, orgId: people.headId });
  await createRecord(ctx, entity('customerAnalysis'), { title: '客户年龄结构分析', dimension: 'age', periodFrom: `${year}-01-01`, conclusion: '30-45 岁客户占比最高，是重疾与教育金的主力人群。', orgId: people.headId });
}
