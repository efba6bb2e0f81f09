import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two files at a time even on two cores (Vitest's default is cores − 1): most of a file's time is spent
    // waiting on SQLite fsyncs, PostgreSQL, Redis and password hashing. Each file builds its own app (own data
    // directory, own PostgreSQL schema, own Redis prefix), so modules can be shared between files of a worker
    // instead of re-imported for each: the suite takes about a third of the time.
    maxWorkers: 2,
    isolate: false,
  },
});
