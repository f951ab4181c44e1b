import { setTimeout as sleep } from 'node:timers/promises';
import {
  Injectable,
  InternalServerErrorException,
  Logger,
  ServiceUnavailableException,
} from '@nestjs/common';
import { OBJECT_ID_PATTERN } from '../common/object-id';
import { StreamError } from '../stream/stream.errors';
import {
  STREAM_BATCH_LIMIT,
  StreamDeleteMode,
  StreamDeleteResult,
  StreamService,
} from '../stream/stream.service';
import { FriendRequestsService } from './friend-requests.service';
import { UsersService } from './users.service';

/** What Stream accepts as a user id: only Stream-side deletions (pruning orphans) may name such users. */
const STREAM_ID_PATTERN = /^[\w@-]{1,255}$/;

/** A retryable Stream error is tried this many times in all, with exponential backoff between attempts. */
export const STREAM_ATTEMPTS = 3;
const BACKOFF_BASE_MS = 250;
const RETRY_AFTER_CAP_MS = 10_000;

export type DeletionStatus = 'deleted' | 'not-found' | 'failed' | 'would-delete' | 'invalid';

export interface DeletionOptions {
  /** Stream deletion: hard (user, messages and conversations; the default) or soft. */
  mode?: StreamDeleteMode;
  /** Delete in Stream only and keep the app's data (the seed script's behaviour; pruning orphans). */
  streamOnly?: boolean;
  /** Look everything up, change nothing. */
  dryRun?: boolean;
  /** Called after each batch of at most 100 ids. */
  onProgress?: (done: number, total: number) => void;
}

export interface DeletionResult {
  id: string;
  status: DeletionStatus;
  /** Whether the app user existed when the run started. */
  inApp: boolean;
  /** Whether the Stream user existed when the run started. */
  inStream: boolean;
  friendLinksRemoved?: number;
  requestsRemoved?: number;
  /** For a failure: which step failed. Nothing after it ran, so a re-run picks up from there. */
  failedStep?: 'stream' | 'app';
  error?: string;
}

export interface DeletionReport {
  results: DeletionResult[];
  counts: Record<DeletionStatus, number>;
  /** True when no id failed and none was invalid. */
  ok: boolean;
}

/**
 * Deletes users everywhere, for the admin CLI and for DELETE /api/users/me alike. Per user, in this order:
 *   1. Stream (hard by default), waiting for Stream's asynchronous task; a user absent from Stream counts as done.
 *   2. the id out of every other user's `friends`;
 *   3. every friend request the user sent or received;
 *   4. the user document, last: while any earlier step is unfinished the user still exists, so a re-run finds it
 *      and finishes the job. A re-run after success finds nothing anywhere and reports "not-found".
 * A Stream failure leaves that user's app data untouched (their account keeps working, and a re-run retries).
 */
@Injectable()
export class UserDeletionService {
  private readonly logger = new Logger(UserDeletionService.name);

  constructor(
    private readonly users: UsersService,
    private readonly friendRequests: FriendRequestsService,
    private readonly stream: StreamService,
  ) {}

  async deleteUsers(ids: string[], options: DeletionOptions = {}): Promise<DeletionReport> {
    const mode = options.mode ?? 'hard';
    const pattern = options.streamOnly ? STREAM_ID_PATTERN : OBJECT_ID_PATTERN;
    const unique = [...new Set(ids)];
    const valid = unique.filter((id) => pattern.test(id));
    const results: DeletionResult[] = unique
      .filter((id) => !pattern.test(id))
      .map((id) => ({ id, status: 'invalid', inApp: false, inStream: false, error: 'not a valid user id' }));

    for (let start = 0; start < valid.length; start += STREAM_BATCH_LIMIT) {
      const batch = valid.slice(start, start + STREAM_BATCH_LIMIT);
      results.push(...(await this.deleteBatch(batch, mode, options)));
      options.onProgress?.(Math.min(start + STREAM_BATCH_LIMIT, valid.length), valid.length);
    }
    const order = new Map(unique.map((id, i) => [id, i]));
    results.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
    return summarize(results);
  }

  /**
   * DELETE /api/users/me: a hard delete that either completes or throws, never a half-deleted account reported
   * as success. Every step is safe to repeat, so the user can simply try again.
   */
  async deleteAccount(id: string): Promise<void> {
    const [result] = (await this.deleteUsers([id], { mode: 'hard' })).results;
    if (result.status === 'failed' && result.failedStep === 'stream') {
      throw new ServiceUnavailableException(
        'Account deletion is unavailable right now; please try again later',
      );
    }
    if (result.status === 'failed' || result.status === 'invalid') {
      throw new InternalServerErrorException('Account deletion did not complete; please try again');
    }
  }

  private async deleteBatch(
    ids: string[],
    mode: StreamDeleteMode,
    options: DeletionOptions,
  ): Promise<DeletionResult[]> {
    // Stream-only runs may name Stream users that are not ObjectIds: those are never app users.
    const inApp = await this.users.findExistingIds(ids.filter((id) => OBJECT_ID_PATTERN.test(id)));
    let inStream: Set<string>;
    try {
      inStream = await this.withRetry(() => this.stream.existingUserIds(ids));
    } catch (error) {
      const message = `Stream lookup failed: ${(error as Error).message}`;
      return ids.map((id) => failed(id, inApp.has(id), false, 'stream', message));
    }

    if (options.dryRun) {
      return ids.map((id) => {
        const found = inStream.has(id) || (!options.streamOnly && inApp.has(id));
        return {
          id,
          status: found ? 'would-delete' : 'not-found',
          inApp: inApp.has(id),
          inStream: inStream.has(id),
        };
      });
    }

    const present = ids.filter((id) => inStream.has(id));
    let streamOutcome: StreamDeleteResult = {};
    let streamFailure: string | undefined;
    if (present.length > 0) {
      try {
        streamOutcome = await this.deleteInStream(present, mode);
      } catch (error) {
        streamFailure = `Stream ${mode} delete failed: ${(error as Error).message}`;
        this.logger.warn(`${streamFailure} (${present.length} user(s), app data kept)`);
      }
    }

    const results: DeletionResult[] = [];
    for (const id of ids) {
      const wasInApp = inApp.has(id);
      const wasInStream = inStream.has(id);
      if (wasInStream && streamFailure) {
        results.push(failed(id, wasInApp, wasInStream, 'stream', streamFailure));
        continue;
      }
      const outcome = streamOutcome[id];
      if (wasInStream && outcome && !outcome.ok) {
        const message = `Stream ${mode} delete failed: ${outcome.error ?? 'unknown error'}`;
        results.push(failed(id, wasInApp, wasInStream, 'stream', message));
        continue;
      }
      if (options.streamOnly) {
        results.push({
          id,
          status: wasInStream ? 'deleted' : 'not-found',
          inApp: wasInApp,
          inStream: wasInStream,
        });
        continue;
      }
      results.push(await this.deleteAppData(id, wasInApp, wasInStream));
    }
    return results;
  }

  /** Steps 2 to 4. Each is idempotent, so they also run for an id found nowhere, sweeping any leftovers. */
  private async deleteAppData(id: string, inApp: boolean, inStream: boolean): Promise<DeletionResult> {
    try {
      const friendLinksRemoved = await this.users.removeFromAllFriendLists(id);
      const requestsRemoved = await this.friendRequests.deleteAllInvolving(id);
      const removedDocument = await this.users.deleteUserDocument(id);
      const found = inApp || inStream || removedDocument || friendLinksRemoved + requestsRemoved > 0;
      if (found) {
        this.logger.log(
          `user ${id} deleted (Stream: ${inStream ? 'deleted' : 'absent'}, app user: ${removedDocument ? 'deleted' : 'absent'}, ` +
            `${friendLinksRemoved} friend link(s), ${requestsRemoved} request(s))`,
        );
      }
      return {
        id,
        status: found ? 'deleted' : 'not-found',
        inApp,
        inStream,
        friendLinksRemoved,
        requestsRemoved,
      };
    } catch (error) {
      const message = `app data cleanup failed: ${(error as Error).message}`;
      this.logger.warn(`user ${id}: ${message}`);
      return failed(id, inApp, inStream, 'app', message);
    }
  }

  /**
   * Deletes users in Stream, retrying retryable failures. A retry first looks again at who is still there:
   * a timed-out task may well have finished, and users already gone count as deleted.
   */
  private deleteInStream(ids: string[], mode: StreamDeleteMode): Promise<StreamDeleteResult> {
    let pending = ids;
    const done: StreamDeleteResult = {};
    return this.withRetry(async (attempt) => {
      if (attempt > 1) {
        const still = await this.stream.existingUserIds(pending);
        pending.filter((id) => !still.has(id)).forEach((id) => (done[id] = { ok: true }));
        pending = pending.filter((id) => still.has(id));
        if (pending.length === 0) return done;
      }
      return { ...done, ...(await this.stream.deleteUsers(pending, mode)) };
    });
  }

  private async withRetry<T>(fn: (attempt: number) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn(attempt);
      } catch (error) {
        // Only Stream's own transient failures are retried; anything else is a bug to surface at once.
        if (!(error instanceof StreamError) || !error.retryable || attempt >= STREAM_ATTEMPTS) throw error;
        const backoff = BACKOFF_BASE_MS * 2 ** (attempt - 1);
        await sleep(Math.min(Math.max(backoff, error.retryAfterMs ?? 0), RETRY_AFTER_CAP_MS));
      }
    }
  }
}

const failed = (
  id: string,
  inApp: boolean,
  inStream: boolean,
  failedStep: 'stream' | 'app',
  error: string,
): DeletionResult => ({ id, status: 'failed', inApp, inStream, failedStep, error });

function summarize(results: DeletionResult[]): DeletionReport {
  const counts: Record<DeletionStatus, number> = {
    deleted: 0,
    'not-found': 0,
    failed: 0,
    'would-delete': 0,
    invalid: 0,
  };
  results.forEach((r) => (counts[r.status] += 1));
  return { results, counts, ok: counts.failed === 0 && counts.invalid === 0 };
}
