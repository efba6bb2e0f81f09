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
