import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Types } from 'mongoose';
import { Counter } from 'prom-client';
import { backoffDelay } from '../common/retry';
import { syncConfig } from '../config/configuration';
import { STREAM_SYNC_PUSHES } from '../metrics/metrics';
import { StreamError } from '../stream/stream.errors';
import { STREAM_BATCH_LIMIT, StreamService, StreamUserProfile } from '../stream/stream.service';
import { activeBan } from '../users/standing';
import { SyncCandidate } from '../users/sync-state';
import { UserSyncStateService } from '../users/user-sync-state.service';

const toProfile = (u: SyncCandidate): StreamUserProfile => ({
  id: u._id.toString(),
  name: u.fullName,
  image: u.profilePic ?? '',
  role: u.role ?? 'user',
  ...(u.chatTokensValidFrom ? { revokeTokensIssuedBefore: new Date(u.chatTokensValidFrom * 1000) } : {}),
});

/** Stream times a ban out in whole minutes: what is left of ours, rounded up. */
const minutesLeft = (until: Date, now: number): number => Math.ceil((until.getTime() - now) / 60_000);

/**
 * Mirrors users into Stream without ever losing a change. A profile write marks the user pending (UsersService);
 * `pushNow` tries at once (bounded by STREAM_TIMEOUT_MS), and the worker retries pending users with capped
 * exponential backoff until Stream acknowledges. A user leaves the pending state only if the version pushed is
 * still current.
 */
@Injectable()
export class StreamSyncService {
  private readonly logger = new Logger(StreamSyncService.name);

  constructor(
    private readonly users: UserSyncStateService,
    private readonly stream: StreamService,
    @Inject(syncConfig.KEY) private readonly config: ConfigType<typeof syncConfig>,
    @InjectMetric(STREAM_SYNC_PUSHES) private readonly pushes: Counter,
  ) {}

  /**
   * Pushes one user right after a change of theirs (the write deferred the worker's turn); on failure the user
   * stays pending for the worker. Never throws a Stream error.
   */
  async pushNow(id: string): Promise<boolean> {
    const user = await this.users.claimPendingSync(id);
    return user ? this.push([user]) : true;
  }

  /** Makes sure these users exist in Stream (pushing those still pending); throws a StreamError if not. */
  async ensureInStream(ids: string[]): Promise<void> {
    const pending = await this.users.findPendingSync(ids);
    if (pending.length === 0) return;
    await this.write(pending);
    await this.users.markSyncedIfCurrent(pending);
  }

  /** One worker pass: claims up to SYNC_BATCH_SIZE due users and pushes them in one Stream call. */
  async pushDue(): Promise<number> {
    const claimed: SyncCandidate[] = [];
    for (let i = 0; i < this.config.batchSize; i++) {
      const user = await this.users.claimDueSync();
      if (!user) break;
      claimed.push(user);
    }
    if (claimed.length > 0) await this.push(claimed);
    return claimed.length;
  }

  /**
   * Creates the users Stream does not have yet (upsert) and updates the others with only the fields we own
   * (partial update): an upsert replaces the Stream user, dropping a revocation or a field someone else set.
   * Then the bans: a ban or unban not yet acknowledged, and the ban in force of a user Stream gets anew.
   */
  private async write(users: SyncCandidate[]): Promise<void> {
    const created = users.filter((u) => !u.inStream);
    const known = users.filter((u) => u.inStream);
    if (created.length > 0) await this.stream.upsertUsers(created.map(toProfile));
    if (known.length > 0) await this.stream.updateUsers(known.map(toProfile));
    const now = Date.now();
    for (const user of users) await this.applyBan(user, now);
  }

  /** A ban or unban Stream has not acknowledged, or the ban in force of a user just created there. */
  private async applyBan(user: SyncCandidate, now: number): Promise<void> {
    const ban = activeBan(user.ban, now);
    if (!user.banSyncPending && !(ban && !user.inStream)) return;
    const id = user._id.toString();
    if (!ban) return this.stream.unbanUser(id);
    await this.stream.banUser(id, {
      bannedBy: ban.bannedBy,
      reason: ban.reason,
      timeoutMinutes: ban.until ? minutesLeft(ban.until, now) : undefined,
    });
  }

  private async push(users: SyncCandidate[]): Promise<boolean> {
    try {
      await this.write(users);
    } catch (error) {
      this.pushes.inc({ outcome: 'failed' }, users.length);
      await this.scheduleRetry(users, error as StreamError);
      return false;
    }
    this.pushes.inc({ outcome: 'synced' }, users.length);
    await this.users.markSyncedIfCurrent(users);
    return true;
  }

  private async scheduleRetry(users: SyncCandidate[], error: StreamError): Promise<void> {
    this.logger.warn(`Stream sync of ${users.length} user(s) failed (${error.message}); will retry`);
    const now = Date.now();
    const backoff = { baseMs: this.config.backoffBaseMs, maxMs: this.config.backoffMaxMs };
    await this.users.scheduleSyncRetry(
      users.map((u) => {
        const attempt = u.syncAttempts + 1;
        const wait = Math.max(backoffDelay(attempt, backoff), error.retryAfterMs ?? 0);
        return { id: u._id, attempt, nextAt: new Date(now + wait), error: error.message };
      }),
    );
  }

  /**
   * The operator's repair after an outage (`sync-users`): pages over every app user by _id, pushes each page of
   * 100 into Stream (creating the users it lacks, updating the others) and marks it synced with the same version guard as the worker. A page Stream rejects is
   * retried one user at a time so one bad user cannot block the rest; Stream being unreachable aborts the run
   * (a StreamError), keeping what was done so far. A dry run counts and changes nothing.
   */
  async syncAll(options: SyncAllOptions = {}): Promise<SyncAllReport> {
    const report: SyncAllReport = { users: 0, pending: 0, missingInStream: 0, upserted: 0, failed: [] };
    let after: Types.ObjectId | undefined;
    for (;;) {
      const page = await this.users.pageForSync(after, STREAM_BATCH_LIMIT);
      if (page.length === 0) break;
      after = page[page.length - 1]._id;
      const inStream = await this.stream.existingUserIds(page.map((u) => u._id.toString()));
      report.users += page.length;
      report.pending += page.filter((u) => u.syncPending).length;
      report.missingInStream += page.filter((u) => !inStream.has(u._id.toString())).length;
      // What Stream has decides here, not our flag: a repair re-creates users Stream lost.
      const known = page.map((u) => ({ ...u, inStream: inStream.has(u._id.toString()) }));
      if (!options.dryRun) await this.pushPage(known, report);
      options.onProgress?.(report.users);
      if (page.length < STREAM_BATCH_LIMIT) break;
    }
    return report;
  }

  private async pushPage(page: SyncCandidate[], report: SyncAllReport): Promise<void> {
    try {
      await this.write(page);
      await this.users.markSyncedIfCurrent(page);
      report.upserted += page.length;
      return;
    } catch (error) {
      if (!(error instanceof StreamError) || error.retryable) throw error;
    }
    for (const user of page) {
      try {
        await this.write([user]);
      } catch (error) {
        if (!(error instanceof StreamError) || error.retryable) throw error;
        report.failed.push({ id: user._id.toString(), error: error.message });
        continue;
      }
      await this.users.markSyncedIfCurrent([user]);
      report.upserted += 1;
    }
  }
}

export interface SyncAllOptions {
  /** Count what would change; write nothing. */
  dryRun?: boolean;
  /** Called after each page with the number of users seen so far. */
  onProgress?: (seen: number) => void;
}

export interface SyncAllReport {
  users: number;
  /** Users whose last change Stream had not acknowledged yet. */
  pending: number;
  /** Users Stream does not know at all. */
  missingInStream: number;
  upserted: number;
  /** Users Stream refused (e.g. an id that was hard-deleted in Stream cannot be re-created). */
  failed: { id: string; error: string }[];
}
