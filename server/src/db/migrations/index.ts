import type { SchemaChange } from '../schema-spec.ts';
import { change as m1 } from './0001_initial.ts';
import { change as m2 } from './0002_release_2026_11.ts';
import { change as m3 } from './0003_perf_indexes.ts';
import { change as m4 } from './0004_report_lookup_indexes_profile_hash.ts';
import { change as m5 } from './0005_report_and_segment_indexes.ts';
import { change as m6 } from './0006_customer_analysis_indexes.ts';

/** Migrations in order; generate-migration.ts maintains this list. */
export const migrations: { name: string; change: SchemaChange }[] = [
  { name: '0001_initial', change: m1 },
  { name: '0002_release_2026_11', change: m2 },
  { name: '0003_perf_indexes', change: m3 },
  { name: '0004_report_lookup_indexes_profile_hash', change: m4 },
  { name: '0005_report_and_segment_indexes', change: m5 },
  { name: '0006_customer_analysis_indexes', change: m6 },
];
