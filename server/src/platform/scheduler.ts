import { Cron } from 'croner';
import type { FastifyBaseLogger } from 'fastify';
import type { KeyValueStore } from './kv.ts';

export interface ScheduledJob {
  name: string;
  /** Cron expression (server local time). */
  pattern: string;
  run(): Promise<unknown>;
}

/**
 * In-process scheduler. Every node runs it; a shared-store claim per job and minute lets one node do
 * each run, and the jobs themselves are idempotent, so a double run changes nothing.
 */
export function startScheduler(jobs: ScheduledJob[], store: KeyValueStore, log: FastifyBaseLogger, onFinished?: (job: string, outcome: 'succeeded' | 'failed') => void): () => void {
  const crons = jobs.map(
    (job) =>
      new Cron(job.pattern, { protect: true }, async () => {
        const slot = new Date().toISOString().slice(0, 16);
        try {
          const previous = await store.swap(`job:${job.name}:${slot}`, 'claimed', 24 * 3_600_000);
          if (previous) return;
          const result = await job.run();
          log.info({ job: job.name, result }, 'scheduled job finished');
          onFinished?.(job.name, 'succeeded');
        } catch (error) {
          log.error({ err: error, job: job.name }, 'scheduled job failed');
          onFinished?.(job.name, 'failed');
        }
      }),
  );
  return () => {
    for (const cron of crons) cron.stop();
  };
}
