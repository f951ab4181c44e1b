import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { syncConfig } from '../config/configuration';
import { StreamError } from '../stream/stream.errors';
import { STREAM_BATCH_LIMIT, StreamService, StreamUserProfile } from '../stream/stream.service';
import { User } from './schemas/user.schema';

interface SyncCandidate {
  _id: Types.ObjectId;
  fullName: string;
  profilePic: string;
  profileVersion: number;
  syncAttempts: number;
}

const SYNC_FIELDS = { fullName: 1, profilePic: 1, profileVersion: 1, syncAttempts: 1 } as const;

const unleased = (now: Date) => ({ $or: [{ syncLeaseUntil: null }, { syncLeaseUntil: { $lt: now } }] });

const toProfile = (u: SyncCandidate): StreamUserProfile => ({
  id: u._id.toString(),
  name: u.fullName,
  image: u.profilePic ?? '',
});

/**
 * Mirrors users into Stream without ever losing a change. A change marks the user pending; `syncUser` tries
 * at once (bounded by STREAM_TIMEOUT_MS), and the worker retries pending users with capped exponential backoff
 * until Stream acknowledges. A user leaves the pending state only if the version pushed is still current.
 */
@Injectable()
export class UserSyncService {
  private readonly logger = new Logger(UserSyncService.name);

  constructor(
    @InjectModel(User.name) private readonly users: Model<User>,
    private readonly stream: StreamService,
    @Inject(syncConfig.KEY) private readonly config: ConfigType<typeof syncConfig>,
  ) {}

  /**
   * Pushes one user now, right after the change (the write deferred the worker's turn); on failure the user
   * stays pending for the worker. Never throws.
   */
  async syncUser(id: string): Promise<boolean> {
    const user = await this.claim({
      _id: new Types.ObjectId(id),
      syncPending: true,
      ...unleased(new Date()),
    });
    return user ? this.push([user]) : true;
  }

  /** Makes sure these users exist in Stream (pushing those still pending); throws a StreamError if not. */
  async ensureInStream(ids: string[]): Promise<void> {
    const pending = await this.users
      .find({ _id: { $in: ids }, syncPending: true }, SYNC_FIELDS)
      .lean<SyncCandidate[]>()
      .exec();
    if (pending.length === 0) return;
    await this.stream.upsertUsers(pending.map(toProfile));
    await this.markSynced(pending);
  }

  /** One worker pass: claims up to SYNC_BATCH_SIZE due users and pushes them in one Stream call. */
  async syncDue(): Promise<number> {
    const claimed: SyncCandidate[] = [];
    for (let i = 0; i < this.config.batchSize; i++) {
      const now = new Date();
      const user = await this.claim({
        syncPending: true,
        syncNextAt: { $lte: now },
        ...unleased(now),
      });
      if (!user) break;
      claimed.push(user);
    }
    if (claimed.length > 0) await this.push(claimed);
    return claimed.length;
  }

  pendingCount(): Promise<number> {
    return this.users.countDocuments({ syncPending: true }).exec();
  }

  /** Leases one pending user (one atomic findOneAndUpdate), so no two instances push the same user at once. */
  private claim(filter: Record<string, unknown>): Promise<SyncCandidate | null> {
    const leaseUntil = new Date(Date.now() + this.config.leaseMs);
    return this.users
      .findOneAndUpdate(
        filter,
        { $set: { syncLeaseUntil: leaseUntil } },
        {
          sort: { syncNextAt: 1 },
          projection: SYNC_FIELDS,
          returnDocument: 'after',
        },
      )
      .lean<SyncCandidate>()
      .exec();
  }

  private async push(users: SyncCandidate[]): Promise<boolean> {
    try {
      await this.stream.upsertUsers(users.map(toProfile));
    } catch (error) {
      await this.scheduleRetry(users, error as StreamError);
      return false;
    }
    await this.markSynced(users);
    return true;
  }

  private async markSynced(users: SyncCandidate[]): Promise<void> {
    const marked = await this.users.bulkWrite(
      users.map((u) => ({
        updateOne: {
          // A newer profile change keeps the user pending; only the lease is released then (second op).
          filter: { _id: u._id, profileVersion: u.profileVersion },
          update: {
            $set: { syncPending: false, syncAttempts: 0 },
            $unset: { syncLeaseUntil: 1, syncError: 1 },
          },
        },
      })),
      { ordered: false },
    );
    if (marked.matchedCount === users.length) return; // the usual case: no change arrived meanwhile
    await this.users.updateMany(
      { _id: { $in: users.map((u) => u._id) }, syncPending: true },
      { $unset: { syncLeaseUntil: 1 }, $set: { syncNextAt: new Date() } },
    );
  }

  private async scheduleRetry(users: SyncCandidate[], error: StreamError): Promise<void> {
    this.logger.warn(`Stream sync of ${users.length} user(s) failed (${error.message}); will retry`);
    const now = Date.now();
    await this.users.bulkWrite(
      users.map((u) => {
        const attempt = u.syncAttempts + 1;
        const backoff = Math.min(this.config.backoffBaseMs * 2 ** (attempt - 1), this.config.backoffMaxMs);
        const wait = Math.max(backoff, error.retryAfterMs ?? 0);
        return {
          updateOne: {
            filter: { _id: u._id },
            update: {
              $set: { syncAttempts: attempt, syncNextAt: new Date(now + wait), syncError: error.message },
              $unset: { syncLeaseUntil: 1 },
            },
          },
        };
      }),
      { ordered: false },
    );
  }

  /**
   * The operator's repair after an outage (`sync-users`): pages over every app user by _id, upserts each page of
   * 100 into Stream and marks it synced with the same version guard as the worker. A page Stream rejects is
   * retried one user at a time so one bad user cannot block the rest; Stream being unreachable aborts the run
   * (a StreamError), keeping what was done so far.
   */
  async syncAll(options: SyncAllOptions = {}): Promise<SyncAllReport> {
    const report: SyncAllReport = { users: 0, pending: 0, missingInStream: 0, upserted: 0, failed: [] };
    const pageSize = STREAM_BATCH_LIMIT;
    let after: Types.ObjectId | undefined;
    for (;;) {
      const page = await this.users
        .find(after ? { _id: { $gt: after } } : {}, { ...SYNC_FIELDS, syncPending: 1 })
        .sort({ _id: 1 })
        .limit(pageSize)
        .lean<(SyncCandidate & { syncPending: boolean })[]>()
        .exec();
      if (page.length === 0) break;
      after = page[page.length - 1]._id;
      const inStream = await this.stream.existingUserIds(page.map((u) => u._id.toString()));
      report.users += page.length;
      report.pending += page.filter((u) => u.syncPending).length;
      report.missingInStream += page.filter((u) => !inStream.has(u._id.toString())).length;
      if (!options.dryRun) await this.pushAll(page, report);
      options.onProgress?.(report.users);
      if (page.length < pageSize) break;
    }
    return report;
  }

  private async pushAll(page: SyncCandidate[], report: SyncAllReport): Promise<void> {
    try {
      await this.stream.upsertUsers(page.map(toProfile));
      await this.markSynced(page);
      report.upserted += page.length;
      return;
    } catch (error) {
      if (!(error instanceof StreamError) || error.retryable) throw error;
    }
    for (const user of page) {
      try {
        await this.stream.upsertUsers([toProfile(user)]);
      } catch (error) {
        if (!(error instanceof StreamError) || error.retryable) throw error;
        report.failed.push({ id: user._id.toString(), error: error.message });
        continue;
      }
      await this.markSynced([user]);
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
