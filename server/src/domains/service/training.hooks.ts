import { getEntity } from '@insure/model/registry';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Row } from '../../db/database.ts';
import type { Services, WriteContext } from '../../entities/context.ts';
import { registerHooks } from '../../entities/hooks.ts';
import { presentRows, scopedRows, recordColumns } from '../../entities/read.ts';
import { valueAfter } from '../insurance/product-check.ts';
import { fieldToColumns } from '../../entities/row-mapper.ts';
import { AppError } from '../../platform/errors.ts';
import { requireActor } from '../../platform/http.ts';
import { qualificationTypes } from '@insure/model/enums/service';

/** An enrolment's outcome from attendance, score and the course's pass mark. */
export function enrolmentOutcome(attended: boolean | null, score: number | null, passMark: number | null): { status: string; passed: boolean | null } {
  const passed = score === null ? null : passMark === null ? true : score >= passMark;
  if (attended === false) return { status: 'absent', passed };
  if (attended !== true) return { status: 'enrolled', passed };
  if (passMark !== null && score === null) return { status: 'enrolled', passed };
  return { status: passed === false ? 'failed' : 'completed', passed };
}

async function settleEnrolment(ctx: WriteContext, id: number) {
  const row = await ctx.trx
    .selectFrom('training_enrolments')
    .innerJoin('training_courses', 'training_courses.id', 'training_enrolments.course_id')
    .select(['training_enrolments.attended', 'training_enrolments.score', 'training_enrolments.completed_at', 'training_courses.pass_mark'])
    .where('training_enrolments.id', '=', id)
    .executeTakeFirstOrThrow();
  const outcome = enrolmentOutcome(row.attended == null ? null : Boolean(row.attended), row.score == null ? null : Number(row.score), row.pass_mark == null ? null : Number(row.pass_mark));
  const completedAt = outcome.status === 'completed' ? (row.completed_at ?? ctx.now.toISOString().slice(0, 10)) : null;
  const passed = fieldToColumns('passed', getEntity('trainingEnrolment').fields.passed!, outcome.passed, ctx.services.cipher, ctx.services.database.dialect);
  await ctx.trx.updateTable('training_enrolments').set({ status: outcome.status, ...passed, completed_at: completedAt }).where('id', '=', id).execute();
}

const qualificationLabel = (type: string) => qualificationTypes.find((option) => option.value === type)?.label ?? { zh: type, en: type };

/**
 * A signing of a product that requires a qualification needs a salesperson holding it, valid on the
 * signing date; otherwise it is refused naming the salesperson field and why.
 */
export async function checkSellerQualification(ctx: WriteContext, entity: ReturnType<typeof getEntity>, input: Record<string, unknown>, existing: Row | null) {
  const productId = valueAfter(entity, input, existing, 'productId') as number | null;
  if (productId == null) return;
  const product = await ctx.trx.selectFrom('products').select('required_qualification').where('id', '=', productId).executeTakeFirst();
  const required = product?.required_qualification as string | null | undefined;
  if (!required) return;
  const label = qualificationLabel(required);
  const salespersonId = valueAfter(entity, input, existing, 'salespersonId') as number | null;
  if (salespersonId == null) throw new AppError('VALIDATION', {}, { salespersonId: { reason: 'qualification_missing', params: { qualificationZh: label.zh, qualificationEn: label.en } } });
  const on = String(valueAfter(entity, input, existing, 'signingDate') ?? ctx.now.toISOString().slice(0, 10)).slice(0, 10);
  const held = await ctx.trx
    .selectFrom('qualifications')
    .select(['expires_on', 'issued_on'])
    .where('salesperson_id', '=', salespersonId)
    .where('type', '=', required)
    .where('status', '=', 'normal')
    .where('deleted_at', 'is', null)
    .execute();
  const day = (value: unknown) => (value == null ? null : String(value instanceof Date ? value.toISOString() : value).slice(0, 10));
  if (held.some((row) => day(row.expires_on)! >= on && (day(row.issued_on) === null || day(row.issued_on)! <= on))) return;
  const latest = held.map((row) => day(row.expires_on)!).sort().at(-1);
  if (latest && latest < on) throw new AppError('VALIDATION', {}, { salespersonId: { reason: 'qualification_expired', params: { qualificationZh: label.zh, qualificationEn: label.en, expiresOn: latest } } });
  throw new AppError('VALIDATION', {}, { salespersonId: { reason: 'qualification_missing', params: { qualificationZh: label.zh, qualificationEn: label.en } } });
}

export function registerTrainingHooks(): void {
  registerHooks('trainingEnrolment', {
    async beforeWrite(ctx, _entity, input, existing) {
      const courseId = Number(input.courseId ?? existing?.course_id);
      const salespersonId = input.salespersonId ?? existing?.salesperson_id;
      const sessionId = input.sessionId !== undefined ? (input.sessionId as number | null) : ((existing?.session_id as number | null | undefined) ?? null);
      if (sessionId != null) {
        // The session must be a live one of the same course, with a place left (this enrolment not counted twice).
        const session = await ctx.trx.selectFrom('training_sessions').select(['course_id', 'status', 'capacity']).where('id', '=', Number(sessionId)).where('deleted_at', 'is', null).executeTakeFirst();
        if (session && Number(session.course_id) !== courseId) throw new AppError('VALIDATION', {}, { sessionId: { reason: 'session_not_of_course' } });
        const moved = !existing || Number(existing.session_id) !== Number(sessionId);
        if (session && moved && session.status === 'cancelled') throw new AppError('VALIDATION', {}, { sessionId: { reason: 'session_cancelled' } });
        if (session && moved && session.capacity != null) {
          const taken = await ctx.trx
            .selectFrom('training_enrolments')
            .select(sql<number>`count(*)`.as('total'))
            .where('session_id', '=', Number(sessionId))
            .where('deleted_at', 'is', null)
            .where('id', '!=', existing ? Number(existing.id) : -1)
            .executeTakeFirstOrThrow();
          if (Number(taken.total) >= Number(session.capacity)) throw new AppError('VALIDATION', {}, { sessionId: { reason: 'session_full', params: { capacity: Number(session.capacity) } } });
        }
      }
      // One enrolment per trainee and course without a session, and per trainee and session with one (a retake goes to another session).
      let clash = ctx.trx
        .selectFrom('training_enrolments')
        .select('id')
        .where('course_id', '=', courseId)
        .where('salesperson_id', '=', Number(salespersonId))
        .where('deleted_at', 'is', null)
        .where('id', '!=', existing ? Number(existing.id) : -1);
      clash = sessionId == null ? clash.where('session_id', 'is', null) : clash.where('session_id', '=', Number(sessionId));
      const found = await clash.executeTakeFirst();
      if (found) throw new AppError('DUPLICATE', { existingId: Number(found.id) }, { salespersonId: { reason: sessionId == null ? 'already_enrolled' : 'already_enrolled_session' } });
    },
    async afterWrite(ctx, _entity, id) {
      await settleEnrolment(ctx, id);
    },
  });
  registerHooks('trainingSession', {
    async beforeWrite(_ctx, _entity, input, existing) {
      const startsAt = input.startsAt !== undefined ? input.startsAt : existing?.starts_at;
      const endsAt = input.endsAt !== undefined ? input.endsAt : existing?.ends_at;
      if (startsAt != null && endsAt != null && new Date(String(endsAt)).getTime() < new Date(String(startsAt)).getTime()) throw new AppError('VALIDATION', {}, { endsAt: { reason: 'ends_before_start' } });
    },
  });
  registerHooks('trainingCourse', {
    async afterWrite(ctx, _entity, id, input, existing) {
      // A changed pass mark re-decides the course's results.
      if (!existing || input.passMark === undefined) return;
      const enrolments = await ctx.trx.selectFrom('training_enrolments').select('id').where('course_id', '=', id).where('deleted_at', 'is', null).execute();
      for (const row of enrolments) await settleEnrolment(ctx, Number(row.id));
    },
  });
}

/** GET /api/training/mine: the signed-in salesperson's enrolments (with their courses) and qualifications. */
export function registerTrainingRoutes(app: FastifyInstance, services: Services): void {
  app.get('/api/training/mine', { schema: { tags: ['trainingEnrolment'], summary: "The caller's own training results and qualifications" } }, async (request) => {
    const actor = requireActor(request);
    if (actor.salespersonId == null) return { enrolments: [], qualifications: [] };
    const { db } = services.database;
    const ownActor = { ...actor, dataScope: 'own' as const };
    const enrolment = getEntity('trainingEnrolment');
    const qualification = getEntity('qualification');
    const enrolmentRows = actor.permissions.has('trainingEnrolment:view')
      ? await scopedRows(db, enrolment, ownActor).select(recordColumns(enrolment)).orderBy('training_enrolments.id', 'desc').limit(200).execute()
      : [];
    const qualificationRows = actor.permissions.has('qualification:view')
      ? await scopedRows(db, qualification, ownActor).select(recordColumns(qualification)).orderBy('qualifications.expires_on').limit(100).execute()
      : [];
    const courseIds = enrolmentRows.map((row) => Number(row.course_id));
    const courses = courseIds.length
      ? await db.selectFrom('training_courses').select(['id', 'name', 'session_at', 'location', 'trainer', 'pass_mark', 'duration_hours']).where('id', 'in', courseIds).execute()
      : [];
    const sessionIds = enrolmentRows.map((row) => row.session_id).filter((value) => value != null).map(Number);
    const sessions = sessionIds.length
      ? await db.selectFrom('training_sessions').select(['id', 'name', 'starts_at', 'ends_at', 'location', 'trainer', 'status']).where('id', 'in', sessionIds).execute()
      : [];
    const instant = (value: unknown) => (value == null ? null : new Date(value instanceof Date ? value : String(value)).toISOString());
    const today = services.clock.now().toISOString().slice(0, 10);
    const enrolments = await presentRows(services, enrolment, ownActor, enrolmentRows);
    return {
      enrolments: enrolments.map((record) => {
        const course = courses.find((row) => Number(row.id) === record.courseId);
        const session = sessions.find((row) => Number(row.id) === record.sessionId);
        return {
          ...record,
          session: session
            ? { id: Number(session.id), name: session.name, startsAt: instant(session.starts_at), endsAt: instant(session.ends_at), location: session.location ?? null, trainer: session.trainer ?? null, status: session.status }
            : null,
          course: course
            ? { id: Number(course.id), name: course.name, sessionAt: course.session_at ? new Date(String(course.session_at)).toISOString() : null, location: course.location, trainer: course.trainer ?? null, passMark: course.pass_mark == null ? null : Number(course.pass_mark), durationHours: course.duration_hours == null ? null : Number(course.duration_hours) }
            : null,
        };
      }),
      qualifications: (await presentRows(services, qualification, ownActor, qualificationRows)).map((record) => ({
        ...record,
        valid: typeof record.expiresOn === 'string' && record.expiresOn >= today,
        daysLeft: typeof record.expiresOn === 'string' ? Math.round((Date.parse(record.expiresOn) - Date.parse(today)) / 86_400_000) : null,
      })),
    };
  });
}
