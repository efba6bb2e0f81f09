import { entities } from '@insure/model/registry';
import { columnName } from '@insure/model/field';
import type { Entity } from '@insure/model/entity';

/** Columns the keyword box searches by pattern (code and non-personal `search` fields), per entity table. */
export function keywordColumns(entity: Entity): string[] {
  const columns = ['code'];
  for (const [name, field] of Object.entries(entity.fields)) if (field.search && !field.pii) columns.push(columnName(name));
  return columns;
}

export const trigramIndexName = (table: string, column: string) => `${table}_${column}_trgm`.slice(0, 63);

/**
 * PostgreSQL keyword search: pg_trgm GIN indexes serve `ILIKE '%keyword%'` (keywords of three or more
 * characters; shorter ones keep `LIKE 'kw%'` on the pattern B-trees) on every keyword column. Creating the extension needs a privilege the app role may lack: the statement is guarded, and without
 * the extension no index is made and the lists keep prefix matching on the pattern B-tree indexes. The operator
 * class is named with the extension's schema, since the app's search_path need not include it. SQLite keeps
 * its NOCASE prefix indexes. Every statement is idempotent, so a later group may repeat them with new columns.
 */
export function keywordTrigramStatements(): { sqlite: string[]; postgres: string[] } {
  const postgres = [
    `do $$ begin
  if not exists (select 1 from pg_extension where extname = 'pg_trgm') then
    begin
      create extension if not exists pg_trgm schema public;
    exception when others then
      begin
        create extension if not exists pg_trgm;
      exception when others then
        raise notice 'pg_trgm not available (%): keyword search keeps prefix matching', sqlerrm;
      end;
    end;
  end if;
end $$`,
  ];
  for (const entity of [...entities].sort((a, b) => a.table.localeCompare(b.table))) {
    for (const column of keywordColumns(entity)) {
      postgres.push(
        `do $$ declare s text; begin select n.nspname into s from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'; ` +
          `if s is not null then execute format('create index if not exists %I on %I using gin (%I %I.gin_trgm_ops)', '${trigramIndexName(entity.table, column)}', '${entity.table}', '${column}', s); end if; end $$`,
      );
    }
  }
  return { sqlite: [], postgres };
}
