import { openOpportunityStages, opportunityStages, winLossReasons } from '@insure/model/enums/sales';
import { getEntity } from '@insure/model/registry';
import { isValidIsoDate } from '@insure/model/validators';
import type { FastifyInstance } from 'fastify';
import { type Expression, type SqlBool, sql } from 'kysely';
import { z } from 'zod';
import type { Services } from '../../entities/context.ts';
import { getRecord, presentRows, recordColumns, scopedRows, summarise } from '../../entities/read.ts';
import { inTransaction, parseInput, requirePermission } from '../../platform/http.ts';
import { moveOpportunity, stageOrder, stageSettings } from './pipeline.ts';

const idParams = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const date = z.string().refine(isValidIsoDate, { error: 'invalid_date' });
const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const moveBody = z.strictObject({
  stage: z.enum(opportunityStages.map((option) => option.value) as [string, ...string[]]),
  version: z.number().int().positive().optional(),
  note: z.string().trim().max(2000).optional(),
  lostReason: z.string().max(1000).optional(),
  outcomeReason: z
    .enum(winLossReasons.map((option) => option.value) as [string, ...string[]])
    .nullable()
    .optional(),
  competitorId: id.nullable().optional(),
});
const boardQuery = z.strictObject({ ownerId: id.optional(), q: z.string().trim().max(100).optional(), perStage: z.coerce.number().int().min(1).max(200).default(50) });
const statisticsQuery = z.strictObject({ from: date.optional(), to: date.optional(), ownerId: id.optional() });

/** Cents → yuan; amount × probability sums (cents × %) → yuan. */
const yuan = (cents: unknown) => Math.round(Number(cents ?? 0)) / 100;
const weightedYuan = (centPercent: unknown) => Math.round(Number(centPercent ?? 0) / 100) / 100;
const rate = (part: number, whole: number) => (whole ? Math.round((part / whole) * 10_000) / 10_000 : null);

/** The outcome columns every breakdown shares (open = neither won nor lost). */
const outcomeColumns = [
  sql<number>`count(*)`.as('count'),
  sql<number>`sum(case when opportunities.stage = 'won' then 1 else 0 end)`.as('won'),
  sql<number>`sum(case when opportunities.stage = 'lost' then 1 else 0 end)`.as('lost'),
  sql<number>`coalesce(sum(case when opportunities.stage = 'won' then opportunities.expected_amount end), 0)`.as('won_amount'),
  sql<number>`coalesce(sum(case when opportunities.stage = 'lost' then opportunities.expected_amount end), 0)`.as('lost_amount'),
  sql<number>`coalesce(sum(case when opportunities.stage not in ('won', 'lost') then opportunities.expected_amount end), 0)`.as('open_amount'),
  sql<number>`coalesce(sum(case when opportunities.stage not in ('won', 'lost') then opportunities.expected_amount * coalesce(opportunities.probability, 0) end), 0)`.as('weighted'),
];

interface OutcomeRow {
  count: unknown;
  won: unknown;
  lost: unknown;
  won_amount: unknown;
  lost_amount: unknown;
  open_amount: unknown;
  weighted: unknown;
}

export function outcomeFigures(row: OutcomeRow) {
  const won = Number(row.won ?? 0);
  const lost = Number(row.lost ?? 0);
  const count = Number(row.count ?? 0);
  return {
    count,
    open: count - won - lost,
    won,
    lost,
    /** won / (won + lost): the close rate of decided opportunities. */
    winRate: rate(won, won + lost),
    wonAmount: yuan(row.won_amount),
    lostAmount: yuan(row.lost_amount),
    openAmount: yuan(row.open_amount),
    weightedAmount: weightedYuan(row.weighted),
  };
}

export function registerPipelineRoutes(app: FastifyInstance, services: Services): void {
  const opportunity = getEntity('opportunity');
  const { db } = services.database;
  const month = (column: string) =>
    services.database.dialect === 'postgres' ? sql<string>`to_char(${sql.ref(column)}, 'YYYY-MM')` : sql<string>`substr(${sql.ref(column)}, 1, 7)`;

  app.get('/api/opportunities/pipeline', { schema: { tags: ['opportunity'], summary: 'Pipeline stages in order with their win probability and whether they are in use' } }, async (request) => {
    requirePermission(request, 'opportunity:view');
    return { items: await stageSettings(db) };
  });

  app.post('/api/opportunities/:id/move', { schema: { tags: ['opportunity'], summary: 'Move an opportunity to another stage (lost needs a reason; won answers with a signing prefill)' } }, async (request) => {
    requirePermission(request, 'opportunity:edit');
    const { id: opportunityId } = parseInput(idParams, request.params);
    const input = parseInput(moveBody, request.body ?? {});
    const result = await inTransaction(request, services, (ctx) => moveOpportunity(ctx, opportunityId, input));
    return { opportunity: await getRecord(services, opportunity, request.actor!, opportunityId), signingPrefill: result.signingPrefill };
  });

  app.get('/api/opportunities/board', { schema: { tags: ['opportunity'], summary: 'Kanban: per stage the count, amount, weighted amount and the latest cards, in scope' } }, async (request) => {
    const actor = requirePermission(request, 'opportunity:view');
    const query = parseInput(boardQuery, request.query);
    const settings = await stageSettings(db);
    const filtered = () => {
      let base = scopedRows(db, opportunity, actor);
      if (query.ownerId) base = base.where('opportunities.owner_id', '=', query.ownerId);
      if (query.q) base = base.where(sql<SqlBool>`opportunities.title like ${`%${query.q.replace(/[\\%_]/g, (char) => `\\${char}`)}%`} escape '\\'`);
      return base;
    };
    const totals = await filtered()
      .select(['opportunities.stage', sql<number>`count(*)`.as('count'), sql<number>`coalesce(sum(expected_amount), 0)`.as('amount'), sql<number>`coalesce(sum(expected_amount * coalesce(probability, 0)), 0)`.as('weighted')])
      .groupBy('opportunities.stage')
      .execute();
    const byStage = new Map(totals.map((row) => [String(row.stage), row]));
    const columns = [];
    for (const setting of settings) {
      const total = byStage.get(setting.stage);
      // A stage taken out of use still shows while opportunities sit in it, so none is hidden.
      if (!setting.active && !total) continue;
      const rows = await filtered()
        .select(recordColumns(opportunity))
        .where('opportunities.stage', '=', setting.stage)
        .orderBy('opportunities.updated_at', 'desc')
        .orderBy('opportunities.id', 'desc')
        .limit(query.perStage)
        .execute();
      columns.push({
        ...setting,
        count: Number(total?.count ?? 0),
        amount: yuan(total?.amount),
        weightedAmount: weightedYuan(total?.weighted),
        items: await presentRows(services, opportunity, actor, rows),
      });
    }
    return { columns };
  });

  app.get('/api/opportunities/statistics', { schema: { tags: ['opportunity'], summary: 'Funnel, conversion by stage, source, owner and month, and the weighted forecast, in scope' } }, async (request) => {
    const actor = requirePermission(request, 'opportunity:view');
    const year = services.clock.now().toISOString().slice(0, 4);
    const { from = `${year}-01-01`, to = `${year}-12-31`, ownerId } = parseInput(statisticsQuery, request.query);
    const inScope = () => {
      const base = scopedRows(db, opportunity, actor);
      return ownerId ? base.where('opportunities.owner_id', '=', ownerId) : base;
    };
    // Conversion figures follow the opportunities created in the period.
    const created = () => inScope().where('opportunities.created_at', '>=', `${from}T00:00:00.000Z`).where('opportunities.created_at', '<=', `${to}T23:59:59.999Z`);
    const [total, stageRows, sourceRows, ownerRows, monthRows, forecastRows] = await Promise.all([
      created().select(outcomeColumns).executeTakeFirstOrThrow(),
      created().select(['opportunities.stage', 'opportunities.lost_from_stage', sql<number>`count(*)`.as('count'), sql<number>`coalesce(sum(expected_amount), 0)`.as('amount'), sql<number>`coalesce(sum(expected_amount * coalesce(probability, 0)), 0)`.as('weighted')]).groupBy(['opportunities.stage', 'opportunities.lost_from_stage']).execute(),
      created().select(['opportunities.source', ...outcomeColumns]).groupBy('opportunities.source').execute(),
      created().select(['opportunities.owner_id', ...outcomeColumns]).groupBy('opportunities.owner_id').execute(),
      created().select([month('opportunities.created_at').as('month'), ...outcomeColumns]).groupBy(month('opportunities.created_at')).execute(),
      // The forecast: open opportunities expected to close in the period, whenever they were created.
      inScope()
        .where('opportunities.stage', 'not in', ['won', 'lost'])
        .where((eb) => eb.or([eb.and([eb('opportunities.expected_close_date', '>=', from), eb('opportunities.expected_close_date', '<=', to)]), eb('opportunities.expected_close_date', 'is', null)]) as Expression<SqlBool>)
        .select([month('opportunities.expected_close_date').as('month'), sql<number>`count(*)`.as('count'), sql<number>`coalesce(sum(expected_amount), 0)`.as('amount'), sql<number>`coalesce(sum(expected_amount * coalesce(probability, 0)), 0)`.as('weighted')])
        .groupBy(month('opportunities.expected_close_date'))
        .execute(),
    ]);

    const settings = await stageSettings(db);
    const byStage = settings.map((setting) => {
      const rows = stageRows.filter((row) => row.stage === setting.stage);
      return {
        stage: setting.stage,
        probability: setting.probability,
        count: rows.reduce((sum, row) => sum + Number(row.count), 0),
        amount: yuan(rows.reduce((sum, row) => sum + Number(row.amount), 0)),
        weightedAmount: weightedYuan(rows.reduce((sum, row) => sum + Number(row.weighted), 0)),
      };
    });
    // Reached a stage: sits at it or further, is won, or was lost at it or further on.
    const reachedOrder = (row: { stage: unknown; lost_from_stage: unknown }) =>
      row.stage === 'won' ? openOpportunityStages.length : row.stage === 'lost' ? stageOrder(String(row.lost_from_stage ?? 'lead')) : stageOrder(String(row.stage));
    const funnelStages = [...openOpportunityStages, 'won'];
    const reached = funnelStages.map((_stage, index) => stageRows.filter((row) => reachedOrder(row) >= index).reduce((sum, row) => sum + Number(row.count), 0));
    const funnel = funnelStages.map((stage, index) => ({
      stage,
      reached: reached[index]!,
      /** Share of those that reached this stage which went on to the next one. */
      conversionToNext: index < funnelStages.length - 1 ? rate(reached[index + 1]!, reached[index]!) : null,
      /** Share of all the period's opportunities that reached this stage. */
      shareOfAll: rate(reached[index]!, reached[0]!),
    }));
    const owners = await summarise(db, getEntity('salesperson'), ownerRows.filter((row) => row.owner_id != null).map((row) => Number(row.owner_id)));
    const forecastMonths = forecastRows
      .map((row) => ({ month: row.month == null ? null : String(row.month), count: Number(row.count), amount: yuan(row.amount), weightedAmount: weightedYuan(row.weighted) }))
      .sort((a, b) => (a.month ?? '9999').localeCompare(b.month ?? '9999'));
    return {
      from,
      to,
      total: outcomeFigures(total),
      byStage,
      funnel,
      bySource: sourceRows.map((row) => ({ source: row.source ?? null, ...outcomeFigures(row) })).sort((a, b) => b.count - a.count),
      byOwner: ownerRows
        .map((row) => ({ ownerId: row.owner_id == null ? null : Number(row.owner_id), ownerName: row.owner_id == null ? null : (owners.get(Number(row.owner_id))?.label ?? null), ...outcomeFigures(row) }))
        .sort((a, b) => b.wonAmount - a.wonAmount || b.count - a.count),
      byMonth: monthRows.map((row) => ({ month: String(row.month), ...outcomeFigures(row) })).sort((a, b) => a.month.localeCompare(b.month)),
      forecast: {
        count: forecastMonths.reduce((sum, row) => sum + row.count, 0),
        amount: Math.round(forecastMonths.reduce((sum, row) => sum + row.amount * 100, 0)) / 100,
        weightedAmount: Math.round(forecastRows.reduce((sum, row) => sum + Number(row.weighted), 0) / 100) / 100,
        byMonth: forecastMonths,
      },
    };
  });
}
