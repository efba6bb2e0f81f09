import type { SchemaChange } from '../schema-spec.ts';
import { change as m1 } from './0001_initial.ts';
import { change as m2 } from './0002_release_2026_11.ts';

/** Migrations in order; generate-migration.ts maintains this list. */
export const migrations: { name: string; change: SchemaChange }[] = [
  { name: '0001_initial', change: m1 },
  { name: '0002_release_2026_11', change: m2 },
];
