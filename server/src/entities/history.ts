import type { Services } from './context.ts';

/** Operation-log rows of one record, newest first. */
export async function recordHistory(services: Services, module: string, recordId: number) {
  const rows = await services.database.db
    .selectFrom('audit_logs')
    .select(['id', 'at', 'actor_name', 'action', 'changes', 'ip'])
    .where('module', '=', module)
    .where('record_id', '=', recordId)
    .orderBy('id', 'desc')
    .limit(200)
    .execute();
  return rows.map((row) => ({
    id: Number(row.id),
    at: row.at,
    actorName: row.actor_name,
    action: row.action,
    ip: row.ip,
    changes: row.changes ? JSON.parse(String(row.changes)) : null,
  }));
}
