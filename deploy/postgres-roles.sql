-- Two roles for one installation (docs/operations.md, "PostgreSQL roles"). Run as a superuser once, then:
--   1. migrations as the owner:  DATABASE_URL=postgres://insure_owner:…@db/insure npm run -s cli -- migrate
--   2. grants as the owner:      DATABASE_URL=postgres://insure_owner:…@db/insure npm run -s cli -- db:grant-app-role insure_app
--   3. the app as insure_app:    DATABASE_URL=postgres://insure_app:…@db/insure
--                                MIGRATION_DATABASE_URL=postgres://insure_owner:…@db/insure  (migrations at start)
-- The owner owns every table, trigger and function; the app role owns nothing, has no CREATE on the schema and,
-- on audit_logs and audit_archives, only SELECT and INSERT.

create role insure_owner login password 'change-me-owner';
create role insure_app login password 'change-me-app';

create database insure owner insure_owner;
\connect insure
-- PostgreSQL 15+ already denies CREATE on public to PUBLIC; older versions do not.
revoke create on schema public from public;
alter schema public owner to insure_owner;
-- Refuse to start without durable commits: the app checks this too (synchronous_commit must not be off).
alter database insure set synchronous_commit = on;
