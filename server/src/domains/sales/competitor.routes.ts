import { getEntity } from '@insure/model/registry';
import { isValidIsoDate } from '@insure/model/validators';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Services } from '../../entities/context.ts';
import { scopedRows } from '../../entities/read.ts';
import { parseInput, requirePermission } from '../../platform/http.ts';
import { outcomeFigures } from './pipeline.routes.ts';

const date = z.string().refine(isValidIsoDate, { error: 'invalid_date' });
const reportQuery = z.strictObject({ from: date.optional(), to: date.optional() });

/**
 * The competitor report: opportunities that named a competitor, closed in the period and in the caller's
 * scope, per competitor (won against, lost to, win rate, amounts, main reasons), beside how many of our
 * products were compared with theirs.
 */
export function registerCompetitorRoutes(app: FastifyInstance, services: Services): void {
  const { db } = services.database;

  app.get('/api/competitors/report', { schema: { tags: ['competitor'], summary: 'Win/loss against each competitor with the reasons, from opportunities in scope' } }, async (request) => {
    const actor = requirePermission(request, 'competitor:view');
    requirePermission(request, 'opportunity:view');
    const year = services.clock.now().toISOString().slice(0, 4);
    const { from = `${year}-01-01`, to = `${year}-12-31` } = parseInput(reportQuery, request.query);
    const closed = () =>
      scopedRows(db, getEntity('opportunity'), actor)
        .where('opportunities.competitor_id', 'is not', null)
        .where('opportunities.stage', 'in', ['won', 'lost'])
        .where('opportunities.closed_at', '>=', from)
        .where('opportunities.closed_at', '<=', to);
    const [competitors, outcomeRows, reasonRows, comparisonRows] = await Promise.all([
      db.selectFrom('competitors').select(['id', 'name', 'type']).where('deleted_at', 'is', null).orderBy('name').execute(),
      closed()
        .select([
          'opportunities.competitor_id',
          sql<number>`count(*)`.as('count'),
          sql<number>`sum(case when opportunities.stage = 'won' then 1 else 0 end)`.as('won'),
          sql<number>`sum(case when opportunities.stage = 'lost' then 1 else 0 end)`.as('lost'),
          sql<number>`coalesce(sum(case when opportunities.stage = 'won' then opportunities.expected_amount end), 0)`.as('won_amount'),
          sql<number>`coalesce(sum(case when opportunities.stage = 'lost' then opportunities.expected_amount end), 0)`.as('lost_amount'),
          sql<number>`0`.as('open_amount'),
          sql<number>`0`.as('weighted'),
        ])
        .groupBy('opportunities.competitor_id')
        .execute(),
      closed().select(['opportunities.competitor_id', 'opportunities.stage', 'opportunities.outcome_reason', sql<number>`count(*)`.as('count')]).groupBy(['opportunities.competitor_id', 'opportunities.stage', 'opportunities.outcome_reason']).execute(),
      db.selectFrom('competitor_analyses').select(['competitor_id', sql<number>`count(*)`.as('count'), sql<number>`count(distinct our_product_id)`.as('products')]).where('deleted_at', 'is', null).where('competitor_id', 'is not', null).groupBy('competitor_id').execute(),
    ]);
    const items = competitors.map((competitor) => {
      const competitorId = Number(competitor.id);
      const outcome = outcomeRows.find((row) => Number(row.competitor_id) === competitorId);
      const figures = outcome ? outcomeFigures(outcome) : outcomeFigures({ count: 0, won: 0, lost: 0, won_amount: 0, lost_amount: 0, open_amount: 0, weighted: 0 });
      const reasons = (stage: string) =>
        reasonRows
          .filter((row) => Number(row.competitor_id) === competitorId && row.stage === stage)
          .map((row) => ({ reason: row.outcome_reason == null ? null : String(row.outcome_reason), count: Number(row.count) }))
          .sort((a, b) => b.count - a.count);
      const comparisons = comparisonRows.find((row) => Number(row.competitor_id) === competitorId);
      return {
        competitorId,
        name: String(competitor.name),
        type: competitor.type == null ? null : String(competitor.type),
        decided: figures.won + figures.lost,
        won: figures.won,
        lost: figures.lost,
        winRate: figures.winRate,
        wonAmount: figures.wonAmount,
        lostAmount: figures.lostAmount,
        lossReasons: reasons('lost'),
        winReasons: reasons('won'),
        comparisons: Number(comparisons?.count ?? 0),
        comparedProducts: Number(comparisons?.products ?? 0),
      };
    });
    items.sort((a, b) => b.lost - a.lost || b.decided - a.decided || a.name.localeCompare(b.name));
    return { from, to, items };
  });
}
