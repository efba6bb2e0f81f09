import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Two files at a time, each with its own server and Chromium: a browser test mostly waits (rendering,
    // animations, network idle), so one file alone leaves the two cores three-quarters idle. The shared
    // helpers in harness.ts check that each click took rather than trusting it under load.
    fileParallelism: true,
    maxWorkers: 2,
    isolate: false,
    globalSetup: ['./global-setup.ts'],
  },
});
