import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { Types } from 'mongoose';
import { syncConfig } from '../config/configuration';
import { SYNC_FIELDS, SyncCandidate, SyncPageEntry, SyncRetry, SyncState } from './sync-state';
import { UserCollection } from './user-collection';

const unleased = (now: Date) => ({ $or: [{ syncLeaseUntil: null }, { syncLeaseUntil: { $lt: now } }] });

/**
 * The users' Stream sync state, for the mirror in accounts/ (which decides when to push; this records it):
 * leases, versions, retries.
 */
@Injectable()
export class UserSyncStateService {
  constructor(
    private readonly collection: UserCollection,
    @Inject(syncConfig.KEY) private readonly sync: ConfigType<typeof syncConfig>,
  ) {}

  private get users() {
    return this.collection.model;
  }

  /** The Stream mirror state of one user (their data export). */
  async findSyncState(id: string): Promise<SyncState> {
    const user = await this.users
      .findById(id, {
        syncPending: 1,
        syncAttempts: 1,
        syncNextAt: 1,
        syncError: 1,
        profileVersion: 1,
        chatTokensValidFrom: 1,
      })
      .lean()
      .exec();
    if (!user) throw new NotFoundException('User not found');
    return {
      pending: user.syncPending,
      attempts: user.syncAttempts,
      nextAttemptAt: user.syncPending ? user.syncNextAt : null,
      lastError: user.syncError ?? null,
      profileVersion: user.profileVersion,
      chatTokensValidFrom: user.chatTokensValidFrom ? new Date(user.chatTokensValidFrom * 1000) : null,
    };
  }

  /**
   * Leases this user if a change of theirs is waiting to be pushed and nobody else holds the lease (one atomic
   * findOneAndUpdate), so no two instances push the same user at once.
   */
  claimPendingSync(id: string): Promise<SyncCandidate | null> {
    return this.claimSync({ _id: new Types.ObjectId(id), syncPending: true, ...unleased(new Date()) });
  }

  /** Leases the pending user whose retry time came first, if any. */
  claimDueSync(): Promise<SyncCandidate | null> {
    const now = new Date();
    return this.claimSync({ syncPending: true, syncNextAt: { $lte: now }, ...unleased(now) });
  }

  private claimSync(filter: Record<string, unknown>): Promise<SyncCandidate | null> {
    const leaseUntil = new Date(Date.now() + this.sync.leaseMs);
    return this.users
      .findOneAndUpdate(
        filter,
        { $set: { syncLeaseUntil: leaseUntil } },
        { sort: { syncNextAt: 1 }, projection: SYNC_FIELDS, returnDocument: 'after' },
      )
      .lean<SyncCandidate>()
      .exec();
  }

  /** Those of these users whose last change has not reached Stream yet. */
  findPendingSync(ids: string[]): Promise<SyncCandidate[]> {
    return this.users
      .find({ _id: { $in: ids }, syncPending: true }, SYNC_FIELDS)
      .lean<SyncCandidate[]>()
      .exec();
  }

  /** Up to `limit` users after `after` in _id order, with their sync state (the operator's full resync). */
  pageForSync(after: Types.ObjectId | undefined, limit: number): Promise<SyncPageEntry[]> {
    return this.users
      .find(after ? { _id: { $gt: after } } : {}, { ...SYNC_FIELDS, syncPending: 1 })
      .sort({ _id: 1 })
      .limit(limit)
      .lean<SyncPageEntry[]>()
      .exec();
  }

  countPendingSync(): Promise<number> {
    return this.users.countDocuments({ syncPending: true }).exec();
  }

  /**
   * Stream has these versions: each user leaves the pending state only if no newer change arrived meanwhile;
   * a user changed since keeps pending, loses the lease and is due at once.
   */
  async markSyncedIfCurrent(pushed: SyncCandidate[]): Promise<void> {
    const marked = await this.users.bulkWrite(
      pushed.map((u) => ({
        updateOne: {
          filter: { _id: u._id, profileVersion: u.profileVersion },
          update: {
            $set: { syncPending: false, syncAttempts: 0, inStream: true, banSyncPending: false },
            $unset: { syncLeaseUntil: 1, syncError: 1 },
          },
        },
      })),
      { ordered: false },
    );
    if (marked.matchedCount === pushed.length) return; // the usual case: no change arrived meanwhile
    await this.users.updateMany(
      { _id: { $in: pushed.map((u) => u._id) }, syncPending: true },
      { $unset: { syncLeaseUntil: 1 }, $set: { syncNextAt: new Date() } },
    );
  }

  /** A push failed: records the attempt and releases each lease until its next try. */
  async scheduleSyncRetry(retries: SyncRetry[]): Promise<void> {
    await this.users.bulkWrite(
      retries.map((r) => ({
        updateOne: {
          filter: { _id: r.id },
          update: {
            $set: { syncAttempts: r.attempt, syncNextAt: r.nextAt, syncError: r.error },
            $unset: { syncLeaseUntil: 1 },
          },
        },
      })),
      { ordered: false },
    );
  }
}
