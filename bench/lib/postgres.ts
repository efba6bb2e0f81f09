import pg from 'pg';

/** The schema named by `options=-c search_path=<schema>` in a PostgreSQL URL. */
export function schemaOf(url: string): string {
  const options = new URL(url).searchParams.get('options') ?? '';
  const match = /search_path\s*=\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(options);
  if (!match) throw new Error('the PostgreSQL URL must name a dedicated schema: ?options=-c%20search_path%3D<schema>');
  return match[1]!;
}

/** Drops and recreates the benchmark's own schema (never public). */
export async function resetPostgresSchema(url: string) {
  const schema = schemaOf(url);
  if (schema === 'public') throw new Error('refusing to reset the public schema');
  const base = new URL(url);
  base.searchParams.delete('options');
  const client = new pg.Client({ connectionString: base.toString() });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.query(`create schema "${schema}"`);
  } finally {
    await client.end();
  }
}
