import type { TableSpec } from './schema-spec.ts';

/** Tables the platform owns (not declared entities). Edited only through new migrations. */
export const platformTables: TableSpec[] = [
  {
    name: 'kv',
    columns: [
      { name: 'key', type: 'text', notNull: true },
      { name: 'value', type: 'text', notNull: true },
      { name: 'expires_at', type: 'bigint', notNull: true },
    ],
    primaryKey: ['key'],
    indexes: [{ name: 'kv_expires', columns: ['expires_at'] }],
  },
  {
    name: 'sequences',
    columns: [
      { name: 'name', type: 'text', notNull: true },
      { name: 'value', type: 'bigint', notNull: true },
    ],
    primaryKey: ['name'],
    indexes: [],
  },
  {
    name: 'account_credentials',
    columns: [
      { name: 'account_id', type: 'bigint', notNull: true, references: 'accounts', onDelete: 'cascade' },
      { name: 'password_hash', type: 'text', notNull: true },
      { name: 'must_change', type: 'boolean', notNull: true, default: false },
      { name: 'changed_at', type: 'timestamp', notNull: true },
      { name: 'mfa_secret_enc', type: 'text' },
      { name: 'mfa_enabled', type: 'boolean', notNull: true, default: false },
      { name: 'mfa_last_step', type: 'bigint' },
      { name: 'mfa_recovery_codes', type: 'json' },
    ],
    primaryKey: ['account_id'],
    indexes: [],
  },
  {
    name: 'account_settings',
    columns: [
      { name: 'account_id', type: 'bigint', notNull: true, references: 'accounts', onDelete: 'cascade' },
      { name: 'locale', type: 'text', notNull: true, default: 'zh-CN' },
      { name: 'theme', type: 'text', notNull: true, default: 'light' },
    ],
    primaryKey: ['account_id'],
    indexes: [],
  },
  {
    name: 'audit_logs',
    columns: [
      { name: 'id', type: 'id' },
      { name: 'at', type: 'timestamp', notNull: true },
      { name: 'actor_id', type: 'bigint' },
      { name: 'actor_name', type: 'text' },
      { name: 'ip', type: 'text' },
      { name: 'request_id', type: 'text' },
      { name: 'module', type: 'text', notNull: true },
      { name: 'record_id', type: 'bigint' },
      { name: 'action', type: 'text', notNull: true },
      { name: 'changes', type: 'json' },
      { name: 'prev_hash', type: 'text', notNull: true },
      { name: 'hash', type: 'text', notNull: true },
    ],
    indexes: [
      { name: 'audit_logs_record', columns: ['module', 'record_id'] },
      { name: 'audit_logs_at', columns: ['at'] },
      { name: 'audit_logs_actor', columns: ['actor_id'] },
    ],
  },
  {
    // One row per archive file the retention job wrote: the anchor the remaining chain continues from.
    name: 'audit_archives',
    columns: [
      { name: 'id', type: 'id' },
      { name: 'file_name', type: 'text', notNull: true },
      { name: 'first_id', type: 'bigint', notNull: true },
      { name: 'last_id', type: 'bigint', notNull: true },
      { name: 'row_count', type: 'integer', notNull: true },
      { name: 'first_prev_hash', type: 'text', notNull: true },
      { name: 'last_hash', type: 'text', notNull: true },
      { name: 'from_at', type: 'timestamp', notNull: true },
      { name: 'to_at', type: 'timestamp', notNull: true },
      { name: 'file_sha256', type: 'text', notNull: true },
      { name: 'created_at', type: 'timestamp', notNull: true },
    ],
    indexes: [{ name: 'audit_archives_last_id', columns: ['last_id'] }],
  },
  {
    // SQLite only: the archival transaction writes the id range here, deletes, and removes it before committing.
    name: 'audit_archive_guard',
    columns: [
      { name: 'first_id', type: 'bigint', notNull: true },
      { name: 'last_id', type: 'bigint', notNull: true },
    ],
    primaryKey: ['first_id'],
    indexes: [],
  },
  {
    name: 'login_logs',
    columns: [
      { name: 'id', type: 'id' },
      { name: 'at', type: 'timestamp', notNull: true },
      { name: 'login_name', type: 'text', notNull: true },
      { name: 'account_id', type: 'bigint' },
      { name: 'ip', type: 'text' },
      { name: 'user_agent', type: 'text' },
      { name: 'outcome', type: 'text', notNull: true },
      { name: 'detail', type: 'text' },
    ],
    indexes: [
      { name: 'login_logs_at', columns: ['at'] },
      { name: 'login_logs_account', columns: ['account_id'] },
    ],
  },
  {
    name: 'record_events',
    columns: [
      { name: 'id', type: 'id' },
      { name: 'module', type: 'text', notNull: true },
      { name: 'record_id', type: 'bigint', notNull: true },
      { name: 'action', type: 'text', notNull: true },
      { name: 'from_status', type: 'text' },
      { name: 'to_status', type: 'text', notNull: true },
      { name: 'note', type: 'text' },
      { name: 'data', type: 'json' },
      { name: 'actor_id', type: 'bigint' },
      { name: 'actor_name', type: 'text' },
      { name: 'at', type: 'timestamp', notNull: true },
    ],
    indexes: [{ name: 'record_events_record', columns: ['module', 'record_id'] }],
  },
  {
    // Customer pool history: claims, returns, releases and notices (claim limits are counted here).
    name: 'customer_pool_events',
    columns: [
      { name: 'id', type: 'id' },
      { name: 'customer_id', type: 'bigint', notNull: true, references: 'customers' },
      { name: 'org_id', type: 'bigint', notNull: true },
      { name: 'action', type: 'text', notNull: true },
      { name: 'salesperson_id', type: 'bigint' },
      { name: 'reason', type: 'text' },
      { name: 'day', type: 'text', notNull: true },
      { name: 'actor_id', type: 'bigint' },
      { name: 'at', type: 'timestamp', notNull: true },
    ],
    indexes: [
      { name: 'customer_pool_events_customer', columns: ['customer_id'] },
      { name: 'customer_pool_events_claims', columns: ['salesperson_id', 'action', 'day'] },
    ],
  },
  {
    name: 'outbox',
    columns: [
      { name: 'id', type: 'id' },
      { name: 'topic', type: 'text', notNull: true },
      { name: 'idempotency_key', type: 'text', notNull: true },
      { name: 'payload', type: 'json', notNull: true },
      { name: 'status', type: 'text', notNull: true, default: 'pending' },
      { name: 'attempts', type: 'integer', notNull: true, default: 0 },
      { name: 'available_at', type: 'timestamp', notNull: true },
      { name: 'created_at', type: 'timestamp', notNull: true },
      { name: 'processed_at', type: 'timestamp' },
      { name: 'last_error', type: 'text' },
    ],
    indexes: [
      { name: 'outbox_key_uq', columns: ['idempotency_key'], unique: true },
      { name: 'outbox_pending', columns: ['status', 'available_at'] },
    ],
  },
  {
    // Reminder rules of the SMS module: one row per kind, switched and tuned in the UI (defaults apply until saved).
    name: 'sms_rules',
    columns: [
      { name: 'kind', type: 'text', notNull: true },
      { name: 'enabled', type: 'boolean', notNull: true, default: true },
      { name: 'settings', type: 'json', notNull: true },
      { name: 'updated_at', type: 'timestamp', notNull: true },
      { name: 'updated_by', type: 'bigint' },
    ],
    primaryKey: ['kind'],
    indexes: [],
  },
  {
    // Opt-out and opt-in history per customer: the latest row decides; time and source are kept for evidence.
    name: 'sms_opt_outs',
    columns: [
      { name: 'id', type: 'id' },
      { name: 'customer_id', type: 'bigint', notNull: true, references: 'customers', onDelete: 'cascade' },
      { name: 'opted_out', type: 'boolean', notNull: true },
      { name: 'source', type: 'text', notNull: true },
      { name: 'note', type: 'text' },
      { name: 'actor_id', type: 'bigint' },
      { name: 'at', type: 'timestamp', notNull: true },
    ],
    indexes: [{ name: 'sms_opt_outs_customer', columns: ['customer_id', 'id'] }],
  },
  {
    name: 'attachments',
    columns: [
      { name: 'id', type: 'id' },
      { name: 'module', type: 'text', notNull: true },
      { name: 'record_id', type: 'bigint', notNull: true },
      { name: 'file_name', type: 'text', notNull: true },
      { name: 'content_type', type: 'text', notNull: true },
      { name: 'size_bytes', type: 'bigint', notNull: true },
      { name: 'sha256', type: 'text', notNull: true },
      { name: 'storage_key', type: 'text', notNull: true },
      { name: 'created_by', type: 'bigint' },
      { name: 'created_at', type: 'timestamp', notNull: true },
      { name: 'deleted_at', type: 'timestamp' },
    ],
    indexes: [{ name: 'attachments_record', columns: ['module', 'record_id'] }],
  },
  {
    name: 'api_tokens',
    columns: [
      { name: 'id', type: 'id' },
      { name: 'account_id', type: 'bigint', notNull: true, references: 'accounts' },
      { name: 'name', type: 'text', notNull: true },
      { name: 'token_hash', type: 'text', notNull: true },
      { name: 'prefix', type: 'text', notNull: true },
      { name: 'expires_at', type: 'timestamp', notNull: true },
      { name: 'revoked_at', type: 'timestamp' },
      { name: 'last_used_at', type: 'timestamp' },
      { name: 'created_by', type: 'bigint' },
      { name: 'created_at', type: 'timestamp', notNull: true },
    ],
    indexes: [{ name: 'api_tokens_hash_uq', columns: ['token_hash'], unique: true }],
  },
  {
    // Every permission key the installation has known: bootstrap grants only new ones to the built-in roles.
    name: 'permission_catalog',
    columns: [
      { name: 'key', type: 'text', notNull: true },
      { name: 'added_at', type: 'timestamp', notNull: true },
    ],
    primaryKey: ['key'],
    indexes: [],
  },
  {
    // Exports above EXPORT_APPROVAL_ROWS wait here for a manager's decision; the filter is replayed on download.
    name: 'export_requests',
    columns: [
      { name: 'id', type: 'id' },
      { name: 'module', type: 'text', notNull: true },
      { name: 'format', type: 'text', notNull: true },
      { name: 'columns', type: 'json' },
      { name: 'query', type: 'json', notNull: true },
      { name: 'reason', type: 'text', notNull: true },
      { name: 'row_count', type: 'bigint', notNull: true },
      { name: 'status', type: 'text', notNull: true, default: 'pending' },
      { name: 'requested_by', type: 'bigint', notNull: true, references: 'accounts' },
      { name: 'requester_name', type: 'text', notNull: true },
      { name: 'org_id', type: 'bigint', notNull: true, references: 'organisations' },
      { name: 'decided_by', type: 'bigint', references: 'accounts' },
      { name: 'decider_name', type: 'text' },
      { name: 'decided_at', type: 'timestamp' },
      { name: 'decision_note', type: 'text' },
      { name: 'expires_at', type: 'timestamp' },
      { name: 'downloaded_at', type: 'timestamp' },
      { name: 'created_at', type: 'timestamp', notNull: true },
    ],
    indexes: [
      { name: 'export_requests_status', columns: ['status', 'created_at'] },
      { name: 'export_requests_requester', columns: ['requested_by', 'created_at'] },
    ],
  },
  {
    // A user's own choices for one list (columns and their order, page size, default filters, sort).
    name: 'list_settings',
    columns: [
      { name: 'account_id', type: 'bigint', notNull: true, references: 'accounts', onDelete: 'cascade' },
      { name: 'list_key', type: 'text', notNull: true },
      { name: 'settings', type: 'json', notNull: true },
      { name: 'updated_at', type: 'timestamp', notNull: true },
    ],
    primaryKey: ['account_id', 'list_key'],
    indexes: [],
  },
  {
    // Named filter + sort + columns of a list ("my renewals this month"), private or shared with one of the owner's roles.
    name: 'saved_views',
    columns: [
      { name: 'id', type: 'id' },
      { name: 'account_id', type: 'bigint', notNull: true, references: 'accounts', onDelete: 'cascade' },
      { name: 'list_key', type: 'text', notNull: true },
      { name: 'name', type: 'text', notNull: true },
      { name: 'state', type: 'json', notNull: true },
      { name: 'shared_role_id', type: 'bigint', references: 'roles' },
      { name: 'created_at', type: 'timestamp', notNull: true },
      { name: 'updated_at', type: 'timestamp', notNull: true },
    ],
    indexes: [
      { name: 'saved_views_owner', columns: ['account_id', 'list_key', 'name'], unique: true },
      { name: 'saved_views_shared', columns: ['shared_role_id', 'list_key'] },
    ],
  },
  {
    // One row per commission period (YYYY-MM): open while it is being run, frozen once approved.
    name: 'incentive_runs',
    columns: [
      { name: 'period', type: 'text', notNull: true },
      { name: 'status', type: 'text', notNull: true },
      { name: 'run_count', type: 'integer', notNull: true, default: 0 },
      { name: 'last_run_at', type: 'timestamp' },
      { name: 'last_run_by', type: 'text' },
      { name: 'approved_at', type: 'timestamp' },
      { name: 'approved_by', type: 'text' },
    ],
    primaryKey: ['period'],
    indexes: [],
  },
  {
    // Statement lines of a period: each says which policy and rule (at which version) produced which amount, in fen.
    name: 'incentive_lines',
    columns: [
      { name: 'id', type: 'id' },
      { name: 'period', type: 'text', notNull: true },
      { name: 'salesperson_id', type: 'bigint', notNull: true },
      { name: 'org_id', type: 'bigint', notNull: true },
      { name: 'kind', type: 'text', notNull: true },
      { name: 'policy_id', type: 'bigint' },
      { name: 'rule_id', type: 'bigint' },
      { name: 'rule_version', type: 'integer' },
      { name: 'base_amount', type: 'bigint', notNull: true },
      { name: 'rate_percent', type: 'real' },
      { name: 'amount', type: 'bigint', notNull: true },
      { name: 'source_period', type: 'text' },
      { name: 'detail', type: 'json', notNull: true },
    ],
    indexes: [
      { name: 'incentive_lines_statement', columns: ['period', 'salesperson_id'] },
      { name: 'incentive_lines_policy', columns: ['policy_id', 'kind'] },
    ],
  },
  {
    // The computed profile of each customer (server/src/domains/profile): one row, rewritten whenever its inputs
    // change. Columns are what segments and tag rules filter on; the "why" of each value (rule + data) is computed
    // with the values when one profile is shown, so it is not stored (the rebuild writes only these columns).
    name: 'customer_profiles',
    columns: [
      { name: 'customer_id', type: 'bigint', notNull: true, references: 'customers', onDelete: 'cascade' },
      { name: 'age', type: 'integer' },
      { name: 'age_band', type: 'text', notNull: true },
      { name: 'life_stage', type: 'text', notNull: true },
      { name: 'household_size', type: 'integer', notNull: true, default: 1 },
      { name: 'minor_children', type: 'integer', notNull: true, default: 0 },
      { name: 'has_spouse', type: 'boolean', notNull: true, default: false },
      { name: 'region', type: 'text' },
      { name: 'occupation_class', type: 'integer' },
      { name: 'income_band', type: 'text' },
      { name: 'value_tier', type: 'text', notNull: true },
      { name: 'rfm_score', type: 'integer', notNull: true, default: 0 },
      { name: 'total_premium', type: 'bigint', notNull: true, default: 0 },
      { name: 'tenure_years', type: 'integer', notNull: true, default: 0 },
      { name: 'policy_count', type: 'integer', notNull: true, default: 0 },
      { name: 'active_policy_count', type: 'integer', notNull: true, default: 0 },
      { name: 'holding_types', type: 'text', notNull: true, default: '' },
      { name: 'gap_codes', type: 'text', notNull: true, default: '' },
      { name: 'gap_count', type: 'integer', notNull: true, default: 0 },
      { name: 'lapse_risk', type: 'integer', notNull: true, default: 0 },
      { name: 'lapse_risk_level', type: 'text', notNull: true },
      { name: 'satisfaction', type: 'real' },
      { name: 'last_contact_at', type: 'timestamp' },
      { name: 'engagement_level', type: 'text', notNull: true },
      { name: 'completeness', type: 'integer', notNull: true, default: 0 },
      { name: 'claim_count', type: 'integer', notNull: true, default: 0 },
      { name: 'claims_this_year', type: 'integer', notNull: true, default: 0 },
      { name: 'open_complaints', type: 'integer', notNull: true, default: 0 },
      { name: 'next_expiry_date', type: 'date' },
      { name: 'computed_at', type: 'timestamp', notNull: true },
      // A digest of the values above: a recompute that gives the same values writes nothing (the nightly rebuild
      // rewrote a million rows and their four indexes to change a few thousand).
      { name: 'values_hash', type: 'text' },
    ],
    primaryKey: ['customer_id'],
    indexes: [
      { name: 'customer_profiles_tier', columns: ['value_tier'] },
      { name: 'customer_profiles_stage', columns: ['life_stage'] },
      { name: 'customer_profiles_risk', columns: ['lapse_risk'] },
      { name: 'customer_profiles_expiry', columns: ['next_expiry_date'] },
    ],
  },
  {
    // Tags on a customer with since when and why: rule tags (source 'rule') kept by the profile module,
    // manual tags (source 'manual') mirrored from customer.tagIds when they are put on.
    name: 'customer_tag_assignments',
    columns: [
      { name: 'customer_id', type: 'bigint', notNull: true, references: 'customers', onDelete: 'cascade' },
      { name: 'tag_id', type: 'bigint', notNull: true, references: 'customer_tags', onDelete: 'cascade' },
      { name: 'source', type: 'text', notNull: true },
      { name: 'since', type: 'timestamp', notNull: true },
      { name: 'reason', type: 'json', notNull: true },
    ],
    primaryKey: ['customer_id', 'tag_id', 'source'],
    indexes: [{ name: 'customer_tag_assignments_tag', columns: ['tag_id', 'customer_id'] }],
  },
  {
    // Profile rule configuration (value tiers, needs model, risk weights…): one JSON document per key.
    name: 'profile_settings',
    columns: [
      { name: 'key', type: 'text', notNull: true },
      { name: 'value', type: 'json', notNull: true },
      { name: 'updated_at', type: 'timestamp', notNull: true },
      { name: 'updated_by', type: 'text' },
    ],
    primaryKey: ['key'],
    indexes: [],
  },
  {
    // Next-best-product outcomes: a salesperson accepted a suggestion (→ an opportunity) or skipped it with a reason.
    name: 'product_suggestion_outcomes',
    columns: [
      { name: 'id', type: 'id' },
      { name: 'customer_id', type: 'bigint', notNull: true, references: 'customers' },
      { name: 'product_id', type: 'bigint', notNull: true, references: 'products' },
      { name: 'outcome', type: 'text', notNull: true },
      { name: 'reason', type: 'text' },
      { name: 'gap_code', type: 'text' },
      { name: 'score', type: 'integer', notNull: true, default: 0 },
      { name: 'opportunity_id', type: 'bigint' },
      { name: 'decided_by', type: 'bigint' },
      { name: 'decider_name', type: 'text', notNull: true },
      { name: 'decided_at', type: 'timestamp', notNull: true },
    ],
    indexes: [
      { name: 'product_suggestion_outcomes_customer', columns: ['customer_id', 'product_id'] },
      { name: 'product_suggestion_outcomes_decided', columns: ['decided_at'] },
    ],
  },
];

/** The audit log is append-only at the database level, whatever the application does. */
export const auditAppendOnlyStatements = {
  sqlite: [
    `create trigger if not exists audit_logs_no_update before update on audit_logs begin select raise(abort, 'audit_logs is append-only'); end`,
    `create trigger if not exists audit_logs_no_delete before delete on audit_logs begin select raise(abort, 'audit_logs is append-only'); end`,
  ],
  postgres: [
    `create or replace function audit_logs_append_only() returns trigger language plpgsql as $$ begin raise exception 'audit_logs is append-only'; end $$`,
    `drop trigger if exists audit_logs_no_change on audit_logs`,
    `create trigger audit_logs_no_change before update or delete on audit_logs for each row execute function audit_logs_append_only()`,
    `drop trigger if exists audit_logs_no_truncate on audit_logs`,
    `create trigger audit_logs_no_truncate before truncate on audit_logs for each statement execute function audit_logs_append_only()`,
  ],
};

/**
 * Retention: rows leave audit_logs only through the archival path. SQLite lets a DELETE through when its id lies in
 * a guard range the archival transaction wrote (and removes again before committing); PostgreSQL when the
 * transaction-local setting `insure.audit_archive` names the range, which only the SECURITY DEFINER function
 * audit_logs_archive sets (PUBLIC may not call it; db:grant-app-role grants it to the app role). UPDATE and TRUNCATE
 * stay refused, and audit_archives (the chain anchors) is append-only the same way.
 */
export const auditArchivalStatements = {
  sqlite: [
    `drop trigger if exists audit_logs_no_delete`,
    `create trigger audit_logs_no_delete before delete on audit_logs when not exists (select 1 from audit_archive_guard g where old.id between g.first_id and g.last_id) begin select raise(abort, 'audit_logs is append-only'); end`,
    `create trigger if not exists audit_archives_no_update before update on audit_archives begin select raise(abort, 'audit_archives is append-only'); end`,
    `create trigger if not exists audit_archives_no_delete before delete on audit_archives begin select raise(abort, 'audit_archives is append-only'); end`,
  ],
  postgres: [
    `create or replace function audit_logs_append_only() returns trigger language plpgsql as $$
declare
  allowed text := coalesce(current_setting('insure.audit_archive', true), '');
begin
  if tg_op = 'DELETE' and tg_table_name = 'audit_logs' then
    if allowed <> '' and old.id between split_part(allowed, ':', 1)::bigint and split_part(allowed, ':', 2)::bigint then
      return old;
    end if;
  end if;
  raise exception '% is append-only', tg_table_name;
end $$`,
    `create or replace function audit_logs_archive(first_id bigint, last_id bigint) returns bigint language plpgsql security definer set search_path from current as $$
declare
  removed bigint;
begin
  if not exists (select 1 from audit_archives a where a.first_id = audit_logs_archive.first_id and a.last_id = audit_logs_archive.last_id
                 and a.last_hash = (select l.hash from audit_logs l where l.id = audit_logs_archive.last_id)) then
    raise exception 'no archive record for audit rows % to %', first_id, last_id;
  end if;
  perform set_config('insure.audit_archive', first_id || ':' || last_id, true);
  delete from audit_logs where id between first_id and last_id;
  get diagnostics removed = row_count;
  perform set_config('insure.audit_archive', '', true);
  return removed;
end $$`,
    `revoke all on function audit_logs_archive(bigint, bigint) from public`,
    `drop trigger if exists audit_archives_no_change on audit_archives`,
    `create trigger audit_archives_no_change before update or delete on audit_archives for each row execute function audit_logs_append_only()`,
    `drop trigger if exists audit_archives_no_truncate on audit_archives`,
    `create trigger audit_archives_no_truncate before truncate on audit_archives for each statement execute function audit_logs_append_only()`,
  ],
};

/**
 * Holdings and gaps are stored as ',a,b,' sets. On PostgreSQL "holds health" is a containment test on the split
 * array, answered from these GIN indexes (a segment count otherwise filters every profile with a LIKE); SQLite keeps
 * the LIKE (its count walks the profiles in id order anyway).
 */
export const profileSetIndexStatements = {
  sqlite: [] as string[],
  postgres: [
    `create index if not exists customer_profiles_holdings_set on customer_profiles using gin (string_to_array(holding_types, ','))`,
    `create index if not exists customer_profiles_gaps_set on customer_profiles using gin (string_to_array(gap_codes, ','))`,
  ],
};

/**
 * Raw statement groups the generator carries into a migration when no existing migration contains them yet
 * (matched by content), so a regenerated combined migration keeps them. Never edit a group that has landed: add one.
 */
export const platformStatementGroups = [auditAppendOnlyStatements, auditArchivalStatements, profileSetIndexStatements];
