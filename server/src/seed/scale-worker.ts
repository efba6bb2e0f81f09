import { parentPort, workerData } from 'node:worker_threads';
import type { Dialect } from '../db/database.ts';
import { FieldCipher, loadMasterKey } from '../platform/crypto.ts';
import { generateScaleRows, type ScalePlan, type Shard } from './scale-rows.ts';

/**
 * Worker thread of the scale seed: generates and maps the rows of its shard's chunks (the encryption is the
 * costly part) and posts them while the main thread writes earlier ones. At most `window` chunks are in flight.
 */
interface Input {
  plan: ScalePlan;
  shard: Shard;
  dialect: Dialect;
  encryptionKey: string | undefined;
  dataDir: string;
  window: number;
}

const input = workerData as Input;
const port = parentPort!;
let inFlight = 0;
let wake: (() => void) | null = null;
port.on('message', () => {
  inFlight--;
  wake?.();
  wake = null;
});

const cipher = new FieldCipher(loadMasterKey(input.encryptionKey, input.dataDir).key);
const rows = generateScaleRows(input.plan, cipher, input.dialect, input.shard);
for (;;) {
  const next = rows.next();
  if (next.done) {
    port.postMessage({ kind: 'done', result: next.value });
    break;
  }
  port.postMessage({ kind: 'chunk', chunk: next.value });
  inFlight++;
  while (inFlight >= input.window) await new Promise<void>((resolve) => (wake = resolve));
}
port.close();
