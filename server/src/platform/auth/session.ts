import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors.ts';
import type { Clock } from '../clock.ts';
import type { KeyValueStore } from '../kv.ts';

export interface SessionData {
  accountId: number;
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
  ip: string;
}

export interface SessionSettings {
  idleMs: number;
  absoluteMs: number;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');
const sessionKey = (hash: string) => `session:${hash}`;
const currentKey = (accountId: number) => `account-session:${accountId}`;
const endedKey = (hash: string) => `session-ended:${hash}`;
const endedMarkerTtl = 24 * 60 * 60 * 1000;
// Refreshing the idle timer on every request would write on every read; once a minute is plenty.
const touchIntervalMs = 60 * 1000;

/**
 * One active session per account (SPEC §1, 等保): the account's "current session" pointer is swapped
 * atomically at login; any other session of the account is ended and remembers why.
 */
export class SessionManager {
  constructor(
    private readonly store: KeyValueStore,
    private readonly clock: Clock,
    private readonly settings: SessionSettings,
  ) {}

  async create(accountId: number, ip: string): Promise<{ token: string; session: SessionData }> {
    const token = randomBytes(32).toString('base64url');
    const hash = hashToken(token);
    const now = this.clock.now().getTime();
    const session: SessionData = { accountId, csrfToken: randomBytes(32).toString('base64url'), createdAt: now, lastSeenAt: now, ip };
    await this.store.set(sessionKey(hash), JSON.stringify(session), this.retainUntil(session) - now);
    const previous = await this.store.swap(currentKey(accountId), hash, this.settings.absoluteMs);
    if (previous && previous !== hash) await this.end(previous, 'SESSION_REPLACED');
    return { token, session };
  }

  /** Resolves a session token or throws the 401 that tells the client why it is no longer valid. */
  async resolve(token: string): Promise<SessionData> {
    const hash = hashToken(token);
    const raw = await this.store.get(sessionKey(hash));
    if (!raw) {
      const reason = await this.store.get(endedKey(hash));
      throw new AppError(reason === 'SESSION_REPLACED' ? 'SESSION_REPLACED' : reason ? 'SESSION_EXPIRED' : 'UNAUTHENTICATED');
    }
    const session = JSON.parse(raw) as SessionData;
    const now = this.clock.now().getTime();
    // Checked before the account pointer, which lapses at the absolute deadline too and would read as "replaced".
    if (now - session.createdAt > this.settings.absoluteMs || now - session.lastSeenAt > this.settings.idleMs) {
      await this.end(hash, 'SESSION_EXPIRED');
      throw new AppError('SESSION_EXPIRED');
    }
    const current = await this.store.get(currentKey(session.accountId));
    if (current !== hash) {
      await this.end(hash, 'SESSION_REPLACED');
      throw new AppError('SESSION_REPLACED');
    }
    if (now - session.lastSeenAt > touchIntervalMs) {
      session.lastSeenAt = now;
      await this.store.set(sessionKey(hash), JSON.stringify(session), this.retainUntil(session) - now);
    }
    return session;
  }

  async logout(token: string): Promise<void> {
    const hash = hashToken(token);
    const raw = await this.store.get(sessionKey(hash));
    await this.end(hash, 'LOGGED_OUT');
    if (raw) {
      const { accountId } = JSON.parse(raw) as SessionData;
      if ((await this.store.get(currentKey(accountId))) === hash) await this.store.delete(currentKey(accountId));
    }
  }

  /** Ends whatever session the account has (password change by an admin, account disabled). */
  async endAllFor(accountId: number, reason = 'SESSION_EXPIRED'): Promise<void> {
    const current = await this.store.take(currentKey(accountId));
    if (current) await this.end(current, reason);
  }

  /**
   * The record outlives its own deadlines (idle and absolute are checked from its timestamps), so a late
   * request is told SESSION_EXPIRED instead of looking like it never signed in.
   */
  private retainUntil(session: SessionData): number {
    return session.createdAt + this.settings.absoluteMs + endedMarkerTtl;
  }

  private async end(hash: string, reason: string) {
    await this.store.delete(sessionKey(hash));
    await this.store.set(endedKey(hash), reason, endedMarkerTtl);
  }
}

export function csrfMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export const hashApiToken = hashToken;
