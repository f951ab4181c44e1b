import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { Types } from 'mongoose';
import { migrationConfig } from '../config/configuration';
import { describeIndex, IndexBuildResult, IndexesService } from '../indexes/indexes.service';
import { FriendRequestsService } from '../users/friend-requests.service';
import { EmailCaseConflict, LegacyFriendRequest, UserRepair } from '../users/legacy-data';
import { FriendRequestStatus, LIVE_STATUSES, pairKeyOf } from '../users/schemas/friend-request.schema';
import { LegacyUsersService } from '../users/legacy-users.service';
import { UsersService } from '../users/users.service';

export interface DuplicateRequests {
  pair: string;
  kept: string;
  removed: string[];
}

export interface MigrationReport {
  dryRun: boolean;
  users: {
    total: number;
    emailsLowerCased: number;
    languagesLowerCased: number;
    queuedForStream: number;
    friendLinksAdded: number;
    missingFriendsRemoved: number;
  };
  friendRequests: {
    total: number;
    pairKeysSet: number;
    duplicates: DuplicateRequests[];
    /** Requests naming a user that no longer exists: left alone (the API never shows them). */
    orphaned: number;
  };
  indexes: { built: string[]; failed: Extract<IndexBuildResult, { status: 'failed' }>[] };
  /** What it cannot decide for the operator: emails that differ only in case (all such accounts are kept). */
  emailCaseConflicts: EmailCaseConflict[];
}

export type MigrationProgress = (step: 'users' | 'friend requests', done: number, total?: number) => void;

const normalised = (value: string | undefined) => value?.trim().toLowerCase();
const LIVE = new Set(LIVE_STATUSES);

/**
 * Adopts a database written by the Express backend, in batches, never deleting an account: lower-cases emails
 * (where no other account would then share one) and languages, queues every user it has not seen for the Stream
 * mirror (same id, so their Stream user and channels stay theirs), makes one-sided friendships mutual, keeps one
 * live request per pair (the accepted one, else the oldest), sets pair keys, then builds the missing indexes.
 * Every step looks at what the data still needs, so a re-run resumes an interrupted one and changes nothing
 * after a complete one. A dry run computes the same report and writes nothing.
 */
@Injectable()
export class MigrationService {
  constructor(
    private readonly users: LegacyUsersService,
    private readonly accounts: UsersService,
    private readonly requests: FriendRequestsService,
    private readonly indexes: IndexesService,
    @Inject(migrationConfig.KEY) private readonly config: ConfigType<typeof migrationConfig>,
  ) {}

  async migrate(options: { dryRun: boolean; onProgress?: MigrationProgress }): Promise<MigrationReport> {
    const report: MigrationReport = {
      dryRun: options.dryRun,
      users: {
        total: 0,
        emailsLowerCased: 0,
        languagesLowerCased: 0,
        queuedForStream: 0,
        friendLinksAdded: 0,
        missingFriendsRemoved: 0,
      },
      friendRequests: { total: 0, pairKeysSet: 0, duplicates: [], orphaned: 0 },
      indexes: { built: [], failed: [] },
      emailCaseConflicts: await this.users.findEmailCaseConflicts(),
    };
    await this.migrateUsers(report, options);
    await this.migrateRequests(report, options);
    const missing = await this.indexes.findMissing();
    if (options.dryRun) {
      report.indexes.built = missing.map(describeIndex);
    } else {
      for (const result of await this.indexes.build(missing)) {
        if (result.status === 'created') report.indexes.built.push(describeIndex(result.index));
        else report.indexes.failed.push(result);
      }
    }
    return report;
  }

  private async migrateUsers(
    report: MigrationReport,
    { dryRun, onProgress }: { dryRun: boolean; onProgress?: MigrationProgress },
  ): Promise<void> {
    const conflicted = new Set(report.emailCaseConflicts.map((c) => c.email));
    const total = await this.users.countAll();
    let after: Types.ObjectId | undefined;
    for (;;) {
      const page = await this.users.pageLegacy(after, this.config.batchSize);
      if (page.length === 0) break;
      after = page[page.length - 1]._id;
      const friendLists = await this.users.findFriendLists(
        [...new Set(page.flatMap((u) => (u.friends ?? []).map(String)))].map((id) => new Types.ObjectId(id)),
      );
      const repairs = new Map<string, UserRepair>();
      const repairOf = (id: Types.ObjectId) => {
        const key = id.toString();
        if (!repairs.has(key)) repairs.set(key, { id });
        return repairs.get(key)!;
      };
      for (const user of page) {
        const email = normalised(user.email)!;
        if (email !== user.email && !conflicted.has(email)) {
          repairOf(user._id).set = { email };
          report.users.emailsLowerCased += 1;
        }
        const languages = {
          nativeLanguage: normalised(user.nativeLanguage),
          learningLanguage: normalised(user.learningLanguage),
        };
        if (
          languages.nativeLanguage !== user.nativeLanguage ||
          languages.learningLanguage !== user.learningLanguage
        ) {
          repairOf(user._id).set = { ...repairOf(user._id).set, ...languages };
          report.users.languagesLowerCased += 1;
        }
        if (user.syncPending === undefined) {
          repairOf(user._id).startSync = true;
          report.users.queuedForStream += 1;
        }
        for (const friend of user.friends ?? []) {
          const theirs = friendLists.get(friend.toString());
          if (!theirs) {
            repairOf(user._id).removeFriends = [...(repairOf(user._id).removeFriends ?? []), friend];
            report.users.missingFriendsRemoved += 1;
          } else if (!theirs.has(user._id.toString())) {
            repairOf(friend).addFriends = [...(repairOf(friend).addFriends ?? []), user._id];
            report.users.friendLinksAdded += 1;
          }
        }
      }
      if (!dryRun) {
        const { emailCollisions } = await this.users.applyRepairs([...repairs.values()]);
        // An account created meanwhile took the address: leave this one as it was, and say so.
        report.users.emailsLowerCased -= emailCollisions.length;
      }
      report.users.total += page.length;
      onProgress?.('users', report.users.total, total);
    }
  }

  private async migrateRequests(
    report: MigrationReport,
    { dryRun, onProgress }: { dryRun: boolean; onProgress?: MigrationProgress },
  ): Promise<void> {
    // Read everything first: the duplicates of a pair can be anywhere in the collection.
    const live = new Map<string, LegacyFriendRequest[]>();
    const keyless: { id: Types.ObjectId; pairKey: string }[] = [];
    let after: Types.ObjectId | undefined;
    for (;;) {
      const page = await this.requests.pageLegacy(after, this.config.batchSize);
      if (page.length === 0) break;
      after = page[page.length - 1]._id;
      const people = await this.accounts.findExistingIds([
        ...new Set(page.flatMap((r) => [r.sender.toString(), r.recipient.toString()])),
      ]);
      for (const request of page) {
        const pairKey = pairKeyOf(request.sender.toString(), request.recipient.toString());
        if (request.pairKey !== pairKey) keyless.push({ id: request._id, pairKey });
        if (!people.has(request.sender.toString()) || !people.has(request.recipient.toString()))
          report.friendRequests.orphaned += 1;
        if (LIVE.has(request.status)) live.set(pairKey, [...(live.get(pairKey) ?? []), request]);
      }
      report.friendRequests.total += page.length;
      onProgress?.('friend requests', report.friendRequests.total);
    }

    const removed = new Set<string>();
    const accepted: LegacyFriendRequest[] = [];
    for (const [pair, requests] of live) {
      // The accepted one is the friendship; otherwise the oldest request is the one its recipient saw first.
      const [kept, ...others] = [...requests].sort(
        (a, b) =>
          Number(b.status === FriendRequestStatus.Accepted) -
            Number(a.status === FriendRequestStatus.Accepted) ||
          (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0) ||
          a._id.toString().localeCompare(b._id.toString()),
      );
      if (kept.status === FriendRequestStatus.Accepted) accepted.push(kept);
      if (others.length === 0) continue;
      others.forEach((r) => removed.add(r._id.toString()));
      report.friendRequests.duplicates.push({
        pair,
        kept: kept._id.toString(),
        removed: others.map((r) => r._id.toString()),
      });
    }
    const toKey = keyless.filter((k) => !removed.has(k.id.toString()));
    report.friendRequests.pairKeysSet = toKey.length;
    report.users.friendLinksAdded += await this.befriendAccepted(accepted, dryRun);
    if (dryRun) return;
    for (let i = 0; i < removed.size; i += this.config.batchSize) {
      const batch = [...removed].slice(i, i + this.config.batchSize).map((id) => new Types.ObjectId(id));
      await this.requests.deleteDuplicates(batch);
    }
    for (let i = 0; i < toKey.length; i += this.config.batchSize) {
      await this.requests.setPairKeys(toKey.slice(i, i + this.config.batchSize));
    }
  }

  /** An accepted request is a friendship: both users must list each other. Returns the links added. */
  private async befriendAccepted(accepted: LegacyFriendRequest[], dryRun: boolean): Promise<number> {
    let added = 0;
    for (let i = 0; i < accepted.length; i += this.config.batchSize) {
      const batch = accepted.slice(i, i + this.config.batchSize);
      const lists = await this.users.findFriendLists(batch.flatMap((r) => [r.sender, r.recipient]));
      const repairs: UserRepair[] = [];
      for (const { sender, recipient } of batch) {
        for (const [me, other] of [
          [sender, recipient],
          [recipient, sender],
        ]) {
          const mine = lists.get(me.toString());
          if (!mine || !lists.has(other.toString()) || mine.has(other.toString())) continue;
          repairs.push({ id: me, addFriends: [other] });
          added += 1;
        }
      }
      if (!dryRun) await this.users.applyRepairs(repairs);
    }
    return added;
  }
}
