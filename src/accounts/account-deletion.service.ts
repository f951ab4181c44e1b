import { Injectable, Logger } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { chunk } from '../common/chunk';
import { OBJECT_ID_PATTERN, toObjectId } from '../common/object-id';
import { retry } from '../common/retry';
import { ExternalIdentitiesService } from '../external-identities/external-identities.service';
import { PendingSignInsService } from '../second-factors/pending-sign-ins.service';
import { SecondFactorsService } from '../second-factors/second-factors.service';
import { SessionsService } from '../identity/sessions.service';
import { PasskeysService } from '../passkeys/passkeys.service';
import { StreamError } from '../stream/stream.errors';
import {
  STREAM_BATCH_LIMIT,
  StreamDeleteMode,
  StreamDeleteResult,
  StreamService,
} from '../stream/stream.service';
import { BlocksService } from '../users/blocks.service';
import { FriendRequestsService } from '../users/friend-requests.service';
import { FriendsService } from '../users/friends.service';
import { UsersService } from '../users/users.service';
import { EmailVerificationsService } from '../verification/email-verifications.service';
import { AccountDataOwner, OwnsAccountData } from './account-data';

/** A retryable Stream error is tried this many times in all, with exponential backoff between attempts. */
export const STREAM_ATTEMPTS = 3;
const RETRY_BACKOFF = { baseMs: 250, maxMs: 10_000 };

export type DeletionStatus = 'deleted' | 'not-found' | 'failed' | 'would-delete' | 'invalid';

export interface DeletionOptions {
  /** Stream deletion: hard (user, messages and conversations; the default) or soft. */
  mode?: StreamDeleteMode;
  /** Delete in Stream only and keep the app's user, friend requests and friendships. */
  keepAppData?: boolean;
}

/** Which users to delete, and how: the ids checked and deduplicated, before anything is looked up. */
export interface DeletionRequest {
  mode: StreamDeleteMode;
  keepAppData: boolean;
  /** Canonical user ids, each once, in the order given. */
  ids: string[];
  /** Entries that are not user ids, as given. */
  invalid: string[];
  /** How many repeated ids were dropped. */
  duplicates: number;
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

/** How DELETE /api/users/me ended; the controller turns it into HTTP. */
export type MyAccountDeletion =
  'deleted' | 'wrong-password' | 'no-password' | 'stream-unavailable' | 'incomplete';

/**
 * Deletes accounts everywhere: my account (the API), these users (the admin CLI), and Stream users the app does
 * not have (pruning). Per user, in this order:
 *   1. Stream (hard by default), waiting for Stream's asynchronous task; a user absent from Stream counts as done.
 *   2. its sessions, identities at providers, second factors and passkeys, then the id out of every other user's
 *      `friends`;
 *   3. every friend request the user sent or received, every block they made or received, their pending email
 *      verifications, and what the flows above keep about them (reset tokens, export slots: @OwnsAccountData);
 *   4. the user document, last: while any earlier step is unfinished the user still exists, so a re-run finds it
 *      and finishes the job. A re-run after success finds nothing anywhere and reports "not-found".
 * A Stream failure leaves that user's app data untouched (their account keeps working, and a re-run retries).
 */
@Injectable()
export class AccountDeletionService {
  private readonly logger = new Logger(AccountDeletionService.name);

  constructor(
    private readonly users: UsersService,
    private readonly friends: FriendsService,
    private readonly friendRequests: FriendRequestsService,
    private readonly blocks: BlocksService,
    private readonly stream: StreamService,
    private readonly sessions: SessionsService,
    private readonly identities: ExternalIdentitiesService,
    private readonly passkeys: PasskeysService,
    private readonly verifications: EmailVerificationsService,
    private readonly secondFactors: SecondFactorsService,
    private readonly pendingSignIns: PendingSignInsService,
    private readonly discovery: DiscoveryService,
  ) {}

  /** The owners of user data above accounts/ that this app (API or CLI) registers. */
  private accountDataOwners(): AccountDataOwner[] {
    return this.discovery
      .getProviders({ metadataKey: OwnsAccountData.KEY })
      .map((wrapper) => wrapper.instance as AccountDataOwner);
  }

  /**
   * The signed-in user deletes their own account, password asked again: a hard delete that completes or
   * reports why not, never a half-deleted account reported as done. Every step is safe to repeat.
   */
  async deleteMyAccount(id: string, password: string): Promise<MyAccountDeletion> {
    const check = await this.users.checkPassword(id, password);
    if (check === 'none-set') return 'no-password';
    if (check === 'wrong') return 'wrong-password';
    const [result] = (await this.deleteUsers(this.prepareDeletion([id]))).results;
    if (result.status === 'failed' && result.failedStep === 'stream') return 'stream-unavailable';
    if (result.status === 'failed' || result.status === 'invalid') return 'incomplete';
    return 'deleted';
  }

  /** The one id rule for a deletion: 24 hex digits in any case, canonicalised, each once. No I/O. */
  prepareDeletion(entries: string[], options: DeletionOptions = {}): DeletionRequest {
    const ids = new Set<string>();
    const invalid: string[] = [];
    let duplicates = 0;
    for (const entry of entries.map((e) => e.trim()).filter((e) => e.length > 0)) {
      const id = toObjectId(entry);
      if (!id) invalid.push(entry);
      else if (ids.has(id)) duplicates += 1;
      else ids.add(id);
    }
    return {
      mode: options.mode ?? 'hard',
      keepAppData: options.keepAppData ?? false,
      ids: [...ids],
      invalid,
      duplicates,
    };
  }

  /** The dry run: what deleteUsers would do with this request, looked up and changing nothing. */
  async planDeletion(request: DeletionRequest): Promise<DeletionReport> {
    const results = invalidResults(request.invalid);
    for (const batch of batches(request.ids)) {
      const found = await this.lookUp(batch);
      if ('failure' in found) {
        results.push(...batch.map((id) => failed(id, found.inApp.has(id), false, 'stream', found.failure)));
        continue;
      }
      const { inApp, inStream } = found;
      results.push(
        ...batch.map((id): DeletionResult => {
          const present = inStream.has(id) || (!request.keepAppData && inApp.has(id));
          const status = present ? 'would-delete' : 'not-found';
          return { id, status, inApp: inApp.has(id), inStream: inStream.has(id) };
        }),
      );
    }
    return summarize(results);
  }

  /** The admin's bulk delete, in batches of at most 100 (Stream's limit); `onProgress` after each batch. */
  async deleteUsers(
    request: DeletionRequest,
    onProgress?: (done: number, total: number) => void,
  ): Promise<DeletionReport> {
    const results = invalidResults(request.invalid);
    let done = 0;
    for (const batch of batches(request.ids)) {
      results.push(...(await this.deleteBatch(batch, request.mode, request.keepAppData)));
      done += batch.length;
      onProgress?.(done, request.ids.length);
    }
    return summarize(results);
  }

  /** Stream users that have no app user. Ids that are not ObjectIds can never be app users. */
  async findOrphans(): Promise<string[]> {
    const orphans: string[] = [];
    for await (const page of this.stream.allUserIds()) {
      const appUsers = await this.users.findExistingIds(page.filter((id) => OBJECT_ID_PATTERN.test(id)));
      orphans.push(...page.filter((id) => !appUsers.has(id)));
    }
    return orphans;
  }

  /**
   * Deletes these Stream users (any Stream id), leaving the app untouched. Time may have passed since they were
   * found: one that has an app user by now is skipped, never deleted.
   */
  async pruneOrphans(orphans: string[], mode: StreamDeleteMode): Promise<DeletionReport> {
    const appUsers = await this.users.findExistingIds(orphans.filter((id) => OBJECT_ID_PATTERN.test(id)));
    const results: DeletionResult[] = [];
    for (const batch of batches(orphans.filter((id) => !appUsers.has(id)))) {
      results.push(...(await this.deleteBatch(batch, mode, true)));
    }
    return summarize(results);
  }

  /** Who exists where; a Stream failure (after retries) is reported, not thrown. */
  private async lookUp(
    ids: string[],
  ): Promise<{ inApp: Set<string>; inStream: Set<string> } | { inApp: Set<string>; failure: string }> {
    // Stream ids that are not ObjectIds (pruning) are never app users.
    const inApp = await this.users.findExistingIds(ids.filter((id) => OBJECT_ID_PATTERN.test(id)));
    try {
      return { inApp, inStream: await this.withRetry(() => this.stream.existingUserIds(ids)) };
    } catch (error) {
      return { inApp, failure: `Stream lookup failed: ${(error as Error).message}` };
    }
  }

  private async deleteBatch(
    ids: string[],
    mode: StreamDeleteMode,
    keepAppData: boolean,
  ): Promise<DeletionResult[]> {
    const found = await this.lookUp(ids);
    if ('failure' in found)
      return ids.map((id) => failed(id, found.inApp.has(id), false, 'stream', found.failure));
    const { inApp, inStream } = found;

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
      if (keepAppData) {
        const status = wasInStream ? 'deleted' : 'not-found';
        results.push({ id, status, inApp: wasInApp, inStream: wasInStream });
        continue;
      }
      results.push(await this.deleteAppData(id, wasInApp, wasInStream));
    }
    return results;
  }

  /** Steps 2 to 4. Each is idempotent, so they also run for an id found nowhere, sweeping any leftovers. */
  private async deleteAppData(id: string, inApp: boolean, inStream: boolean): Promise<DeletionResult> {
    try {
      // First: the account's sessions end and its sign-ins at providers and passkeys go, so nothing acts for it or
      // signs in to it while the rest goes.
      await this.sessions.endAll(id);
      await this.identities.deleteAllOf(id);
      await this.pendingSignIns.deleteAllOf(id);
      await this.secondFactors.deleteAllOf(id);
      await this.passkeys.deleteAllOf(id);
      const friendLinksRemoved = await this.friends.removeFromAllFriendLists(id);
      const requestsRemoved = await this.friendRequests.deleteAllInvolving(id);
      const blocksRemoved = await this.blocks.deleteAllInvolving(id);
      // Pending links and codes hold an address: personal data that goes with the account.
      await this.verifications.discardAll(id);
      for (const owner of this.accountDataOwners()) await owner.discardAllOf(id);
      const removedDocument = await this.users.deleteUserDocument(id);
      const found =
        inApp || inStream || removedDocument || friendLinksRemoved + requestsRemoved + blocksRemoved > 0;
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

  /** Only Stream's own transient failures are retried; anything else is a bug to surface at once. */
  private withRetry<T>(fn: (attempt: number) => Promise<T>): Promise<T> {
    return retry(fn, {
      ...RETRY_BACKOFF,
      attempts: STREAM_ATTEMPTS,
      retryAfter: (error) =>
        error instanceof StreamError && error.retryable
          ? Math.min(error.retryAfterMs ?? 0, RETRY_BACKOFF.maxMs)
          : false,
    });
  }
}

const batches = (ids: string[]): string[][] => chunk(ids, STREAM_BATCH_LIMIT);

const invalidResults = (entries: string[]): DeletionResult[] =>
  entries.map((id) => ({ id, status: 'invalid', inApp: false, inStream: false, error: 'not 24 hex digits' }));

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
