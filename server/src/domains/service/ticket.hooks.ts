import { getEntity } from '@insure/model/registry';
import { sql } from 'kysely';
import { systemContext } from '../../bootstrap.ts';
import type { Row } from '../../db/database.ts';
import type { Services, WriteContext } from '../../entities/context.ts';
import { registerHooks } from '../../entities/hooks.ts';
import { recordEvent, registerWorkflowHooks } from '../../entities/workflow.ts';
import { audit } from '../../entities/write.ts';
import { scopePredicate } from '../../platform/access/data-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { enqueue } from '../../platform/outbox.ts';
import { type SlaTargets, dayListProblem, slaDeadlines, ticketBreaches, workingCalendar } from './service.rules.ts';

const iso = (value: unknown) => (value == null ? null : new Date(String(value)).toISOString());

/** The SLA row of a ticket type and priority (none: the ticket has no targets), with its working calendar if it names one. */
async function slaFor(ctx: WriteContext, type: string, priority: string): Promise<SlaTargets | null> {
  const row = await ctx.trx
    .selectFrom('ticket_slas')
    .leftJoin('service_calendars', (join) => join.onRef('service_calendars.id', '=', 'ticket_slas.calendar_id').on('service_calendars.deleted_at', 'is', null))
    .select([
      'ticket_slas.response_hours',
      'ticket_slas.resolution_hours',
      'service_calendars.id as calendar_id',
      'service_calendars.work_days',
      'service_calendars.day_start',
      'service_calendars.day_end',
      'service_calendars.utc_offset_minutes',
      'service_calendars.holidays',
      'service_calendars.extra_workdays',
    ])
    .where('ticket_slas.type', '=', type)
    .where('ticket_slas.priority', '=', priority)
    .where('ticket_slas.deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  const calendar =
    row.calendar_id == null
      ? null
      : workingCalendar({ workDays: String(row.work_days), dayStart: String(row.day_start), dayEnd: String(row.day_end), utcOffsetMinutes: Number(row.utc_offset_minutes), holidays: row.holidays as string | null, extraWorkdays: row.extra_workdays as string | null });
  return { responseHours: Number(row.response_hours), resolutionHours: Number(row.resolution_hours), calendar };
}

/** The account an overdue ticket goes to: the leader of its organisation, else of the nearest ancestor that has one. */
export async function escalationTarget(db: WriteContext['trx'], orgId: number): Promise<number | null> {
  const org = await db.selectFrom('organisations').select('path').where('id', '=', orgId).executeTakeFirst();
  if (!org) return null;
  const chain = String(org.path).split('/').filter(Boolean).map(Number).reverse();
  const leaders = await db.selectFrom('organisations').select(['id', 'leader_id']).where('id', 'in', chain).where('leader_id', 'is not', null).where('deleted_at', 'is', null).execute();
  for (const id of chain) {
    const found = leaders.find((row) => Number(row.id) === id);
    if (found) return Number(found.leader_id);
  }
  return null;
}

export function registerTicketHooks(): void {
  registerHooks('serviceCalendar', {
    async beforeWrite(_ctx, _entity, input, existing) {
      const value = (field: string, column: string) => (input[field] !== undefined ? input[field] : existing?.[column]);
      const problems: Record<string, { reason: string; params?: Record<string, unknown> }> = {};
      const start = value('dayStart', 'day_start');
      const end = value('dayEnd', 'day_end');
      if (typeof start === 'string' && typeof end === 'string' && end <= start) problems.dayEnd = { reason: 'ends_before_start' };
      for (const [field, column] of [['holidays', 'holidays'], ['extraWorkdays', 'extra_workdays']] as const) {
        const bad = dayListProblem(value(field, column));
        if (bad) problems[field] = { reason: 'invalid_date_in_list', params: { value: bad } };
      }
      if (Object.keys(problems).length) throw new AppError('VALIDATION', {}, problems);
    },
  });

  registerHooks('ticketSla', {
    async beforeWrite(ctx, _entity, input, existing) {
      const type = input.type ?? existing?.type;
      const priority = input.priority ?? existing?.priority;
      const clash = await ctx.trx
        .selectFrom('ticket_slas')
        .select('id')
        .where('type', '=', String(type))
        .where('priority', '=', String(priority))
        .where('deleted_at', 'is', null)
        .where('id', '!=', existing ? Number(existing.id) : -1)
        .executeTakeFirst();
      if (clash) throw new AppError('DUPLICATE', { existingId: Number(clash.id) }, { priority: { reason: 'sla_exists_for_type_priority' } });
    },
  });

  registerHooks('feedback', {
    async afterWrite(ctx, _entity, id, input, existing) {
      // Targets count from when the ticket was opened; a changed type or priority re-reads them.
      if (existing && input.type === undefined && input.priority === undefined) return;
      const row = await ctx.trx.selectFrom('feedback').select(['type', 'priority', 'created_at']).where('id', '=', id).executeTakeFirstOrThrow();
      const deadlines = slaDeadlines(new Date(String(row.created_at)), await slaFor(ctx, String(row.type), String(row.priority ?? 'normal')));
      await ctx.trx.updateTable('feedback').set({ response_due_at: deadlines.responseDueAt, resolution_due_at: deadlines.resolutionDueAt }).where('id', '=', id).execute();
    },
    decorate(record, now) {
      const breaches = ticketBreaches(
        {
          status: String(record.status),
          responseDueAt: (record.responseDueAt as string | null) ?? null,
          resolutionDueAt: (record.resolutionDueAt as string | null) ?? null,
          respondedAt: (record.respondedAt as string | null) ?? null,
        },
        now,
      );
      record.responseOverdue = breaches.response;
      record.resolutionOverdue = breaches.resolution;
      record.overdue = breaches.response || breaches.resolution;
    },
  });

  registerWorkflowHooks('feedback', {
    async before(ctx, _entity, row, transition, values) {
      if (transition.action !== 'assign' && transition.action !== 'start') return;
      const assigneeId = values.assigneeId !== undefined ? values.assigneeId : row.assignee_id;
      const teamId = values.teamId !== undefined ? values.teamId : row.team_id;
      if (transition.action === 'assign' && assigneeId == null && teamId == null) throw new AppError('VALIDATION', {}, { 'values.assigneeId': { reason: 'assignee_or_team_required' } });
      // Taking a ticket assigned to a team makes the taker its agent.
      if (transition.action === 'start' && assigneeId == null && ctx.actor.accountId > 0) values.assigneeId = ctx.actor.accountId;
      if (values.assigneeId != null) {
        const account = await ctx.trx.selectFrom('accounts').select('id').where('id', '=', Number(values.assigneeId)).where('status', '=', 'enabled').where('deleted_at', 'is', null).executeTakeFirst();
        if (!account) throw new AppError('INVALID_REFERENCE', {}, { 'values.assigneeId': { reason: 'reference_unavailable' } });
      }
      if (values.teamId != null) {
        const team = await ctx.trx.selectFrom('organisations').select('id').where('id', '=', Number(values.teamId)).where('deleted_at', 'is', null).where(scopePredicate(getEntity('organisation'), ctx.actor)).executeTakeFirst();
        if (!team) throw new AppError('INVALID_REFERENCE', {}, { 'values.teamId': { reason: 'reference_unavailable' } });
      }
    },
    async after(ctx, _entity, id, transition, before) {
      const now = ctx.now.toISOString();
      // The first move out of "new" is the response; resolving stops the resolution clock, reopening restarts it.
      if (before.responded_at == null && before.status === 'new') await ctx.trx.updateTable('feedback').set({ responded_at: now }).where('id', '=', id).execute();
      if (transition.to === 'resolved') await ctx.trx.updateTable('feedback').set({ resolved_at: now }).where('id', '=', id).execute();
      if (transition.action === 'reopen') await ctx.trx.updateTable('feedback').set({ resolved_at: null }).where('id', '=', id).execute();
      if (transition.action === 'assign') {
        const row = await ctx.trx.selectFrom('feedback').select(['assignee_id', 'team_id']).where('id', '=', id).executeTakeFirstOrThrow();
        await enqueue(ctx, 'ticket.assigned', `ticket-assigned:${id}:v${Number(before.version) + 1}`, { ticketId: id, assigneeId: row.assignee_id == null ? null : Number(row.assignee_id), teamId: row.team_id == null ? null : Number(row.team_id) });
      }
    },
  });
}

/**
 * The escalation job: an open ticket past its response target (nobody responded) is escalated once for that,
 * and once more when it passes its resolution target, to the manager (leader of its organisation or the
 * nearest ancestor with one): marked, put on the ticket's timeline, audited and announced through the outbox.
 * Conditional updates on the previous escalation make each happen once, however often or widely it runs.
 */
export async function runTicketEscalation(services: Services): Promise<{ escalated: number }> {
  const entity = getEntity('feedback');
  const now = services.clock.now();
  const nowIso = now.toISOString();
  let escalated = 0;
  for (;;) {
    const result = await services.database.db.transaction().execute(async (trx) => {
      const ctx = systemContext(services, trx);
      const candidates = await trx
        .selectFrom('feedback')
        .selectAll()
        .where('deleted_at', 'is', null)
        .where('status', 'not in', ['resolved', 'closed'])
        .where((eb) =>
          eb.or([
            eb.and([eb('escalated_for', 'is', null), eb('responded_at', 'is', null), eb('response_due_at', '<', nowIso)]),
            eb.and([eb.or([eb('escalated_for', 'is', null), eb('escalated_for', '=', 'response')]), eb('resolution_due_at', '<', nowIso)]),
          ]),
        )
        .orderBy('id')
        .limit(200)
        .execute();
      let done = 0;
      for (const row of candidates as Row[]) {
        const breaches = ticketBreaches({ status: String(row.status), responseDueAt: iso(row.response_due_at), resolutionDueAt: iso(row.resolution_due_at), respondedAt: iso(row.responded_at) }, now);
        const breach = breaches.resolution ? 'resolution' : 'response';
        const previous = (row.escalated_for as string | null) ?? null;
        const target = await escalationTarget(trx, Number(row.org_id));
        let update = trx
          .updateTable('feedback')
          .set({ escalated_at: nowIso, escalated_to_id: target, escalated_for: breach, version: sql`version + 1`, updated_at: nowIso })
          .where('id', '=', Number(row.id));
        update = previous === null ? update.where('escalated_for', 'is', null) : update.where('escalated_for', '=', previous);
        const updated = await update.executeTakeFirst();
        if (Number(updated.numUpdatedRows) !== 1) continue;
        const data = { breach, escalatedToId: target, dueAt: breach === 'resolution' ? iso(row.resolution_due_at) : iso(row.response_due_at) };
        await recordEvent(ctx, entity, Number(row.id), 'escalate', String(row.status), String(row.status), null, data);
        await audit(ctx, 'feedback', Number(row.id), 'escalate', data);
        await enqueue(ctx, 'ticket.escalated', `ticket-escalated:${row.id}:${breach}`, { ticketId: Number(row.id), ...data });
        done++;
      }
      return { done, more: candidates.length === 200 };
    });
    escalated += result.done;
    if (!result.more) break;
  }
  return { escalated };
}
