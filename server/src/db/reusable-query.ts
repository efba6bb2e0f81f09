import { type Compilable, CompiledQuery } from 'kysely';
import type { DB } from './database.ts';

/**
 * A query of fixed shape, built and compiled once per dialect and then run with new parameter values. For
 * the few statements every request runs (the caller's token, account and roles), building and compiling
 * with Kysely costs several times what SQLite takes to answer them. `build` receives one placeholder per
 * argument and must use each as a plain value (a comparison operand), never where it would change the SQL.
 */
export function reusableQuery<Args extends unknown[], Output>(build: (db: DB, ...args: Args) => Compilable<Output>) {
  const compiledByDialect = new Map<unknown, { sql: string; slots: number[]; parameters: readonly unknown[] }>();
  return async (db: DB, ...args: Args): Promise<Output[]> => {
    const dialect = db.getExecutor().adapter.constructor;
    let compiled = compiledByDialect.get(dialect);
    if (!compiled) {
      const placeholders = args.map((_, index) => ({ placeholder: index }));
      const query = build(db, ...(placeholders as unknown as Args)).compile();
      compiled = { sql: query.sql, slots: query.parameters.map((value) => placeholders.indexOf(value as { placeholder: number })), parameters: query.parameters };
      if (compiled.slots.filter((slot) => slot >= 0).length !== args.length) throw new Error('reusableQuery: every argument must appear once as a value');
      compiledByDialect.set(dialect, compiled);
    }
    const { sql, slots, parameters } = compiled;
    const values = slots.map((slot, index) => (slot >= 0 ? args[slot] : parameters[index]));
    return (await db.executeQuery<Output>(CompiledQuery.raw(sql, values))).rows;
  };
}
