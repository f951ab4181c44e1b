import { setTimeout as sleep } from 'node:timers/promises';

export interface Backoff {
  baseMs: number;
  maxMs: number;
}

/** Exponential backoff: the wait after failed attempt n (1-based) is baseMs·2^(n-1), capped at maxMs. */
export const backoffDelay = (attempt: number, { baseMs, maxMs }: Backoff): number =>
  Math.min(baseMs * 2 ** (attempt - 1), maxMs);

export interface RetryPolicy extends Backoff {
  /** Tries in all (Infinity to rely on the deadline alone). */
  attempts: number;
  /** Epoch ms: never start a wait that would end after it. */
  deadline?: number;
  /** Ends a wait at once (shutdown): retry then rejects with an AbortError. */
  signal?: AbortSignal;
  /**
   * Whether a failure may be retried: false rethrows it at once; a number is the least wait it asks for (a
   * rate limit's reset), raised to the backoff.
   */
  retryAfter(error: unknown): number | false;
}

/**
 * The one retry loop of the code base (Stream deletions, Stream task polling, OIDC discovery). The user-sync
 * worker persists its attempts instead of looping, with the same backoffDelay.
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, policy: RetryPolicy): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      const asked = policy.retryAfter(error);
      if (asked === false || attempt >= policy.attempts) throw error;
      const wait = Math.max(backoffDelay(attempt, policy), asked);
      if (policy.deadline !== undefined && Date.now() + wait > policy.deadline) throw error;
      await sleep(wait, undefined, { signal: policy.signal });
    }
  }
}
