/**
 * Maintenance mode for this node: while a restore swaps the data, every request except the liveness and
 * metrics endpoints is answered 503 (and /ready says not ready, so a load balancer drains the node).
 * In-flight requests are counted so the swap starts only once those already inside have left.
 */
export class Maintenance {
  private reason: string | null = null;
  private inFlight = 0;
  private readonly waiters = new Set<() => void>();

  get active(): boolean {
    return this.reason !== null;
  }

  get activity(): string | null {
    return this.reason;
  }

  requestStarted(): void {
    this.inFlight++;
  }

  requestFinished(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    for (const wake of this.waiters) wake();
  }

  /** Turns maintenance on and waits until at most `own` requests (the caller's) are still running. */
  async enter(reason: string, own: number, timeoutMs: number): Promise<void> {
    if (this.reason) throw new Error(`maintenance already active: ${this.reason}`);
    this.reason = reason;
    const deadline = Date.now() + timeoutMs;
    while (this.inFlight > own && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, 50);
        this.waiters.add(wake);
      });
    }
  }

  leave(): void {
    this.reason = null;
  }
}
