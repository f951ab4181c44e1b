import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import { randomInt } from 'node:crypto';
import { Model, Types } from 'mongoose';
import { ExpiringCache } from '../common/expiring-cache';
import { OBJECT_ID_PATTERN } from '../common/object-id';
import { syncConfig, usersConfig } from '../config/configuration';
import { BlocksService } from './blocks.service';
import { PasswordHasher } from './password-hasher';
import { User } from './schemas/user.schema';
import { afterCursor, decodeCursor, encodeCursor, Tier, TIERS, tierFilter } from './recommendation-cursor';
import { SYNC_FIELDS, SyncCandidate, SyncPageEntry, SyncRetry, SyncState } from './sync-state';
import { EmailCaseConflict, LegacyUser, UserRepair } from './legacy-data';
import { decodePageCursor, encodePageCursor, isObjectIdString, Page, pageLimit } from './page-cursor';
import { DEFAULT_PAGE_LIMIT, PageQueryDto } from './dto/page-query.dto';
import { FRIEND_CARD_FIELDS, FriendCard, toFriendCard } from './friend.view';
import {
  PUBLIC_PROFILE_FIELDS,
  PublicProfile,
  toPublicProfile,
  toUserView,
  UserRecord,
  UserView,
} from './user.view';

export interface NewAccount {
  email: string;
  password: string;
  fullName: string;
}

export interface OnboardingProfile {
  fullName: string;
  bio: string;
  nativeLanguage: string;
  learningLanguage: string;
  location: string;
  profilePic?: string;
}

/** What an authenticated request needs to know about its user; cached briefly on the hot path. */
export interface SessionUser {
  id: string;
  chatTokensValidFrom: number;
}

export const isDuplicateKey = (error: unknown): boolean => (error as { code?: number })?.code === 11000;

const unleased = (now: Date) => ({ $or: [{ syncLeaseUntil: null }, { syncLeaseUntil: { $lt: now } }] });

/**
 * Owns the `users` collection: every query on it lives here, the password hash and the Stream sync state
 * included (the mirror in accounts/ decides when to push; this service records it).
 */
@Injectable()
export class UsersService {
  private readonly sessions: ExpiringCache<SessionUser | null>;

  constructor(
    @InjectModel(User.name) private readonly users: Model<User>,
    private readonly passwords: PasswordHasher,
    private readonly blocks: BlocksService,
    @Inject(syncConfig.KEY) private readonly sync: ConfigType<typeof syncConfig>,
    @Inject(usersConfig.KEY) private readonly config: ConfigType<typeof usersConfig>,
  ) {
    this.sessions = new ExpiringCache(config.existsCacheMs);
  }

  /** When the sync worker may pick up a change: the writer's own inline push (StreamSyncService) goes first. */
  private deferredSync(): Date {
    return new Date(Date.now() + this.sync.leaseMs);
  }

  async createAccount(account: NewAccount): Promise<UserView> {
    const password = await this.passwords.hash(account.password);
    const avatar = this.config.avatarUrlTemplate.replace('{n}', String(randomInt(1, 101)));
    try {
      const created = await this.users.create({
        email: account.email,
        password,
        fullName: account.fullName,
        profilePic: avatar,
        syncNextAt: this.deferredSync(),
      });
      return toUserView(created.toObject(), this.config.pageLimitMax);
    } catch (error) {
      // The unique index decides, so concurrent signups with one email give exactly one account.
      if (isDuplicateKey(error))
        throw new ConflictException('Email already exists, please use a different one');
      throw error;
    }
  }

  /**
   * A login: the account whose email and password match, or null. The account and its hash come in one query,
   * and an unknown email costs the same bcrypt compare as a wrong password.
   */
  async findByCredentials(email: string, password: string): Promise<UserView | null> {
    const user = await this.users.findOne({ email }).select('+password').lean().exec();
    return (await this.passwords.matches(password, user?.password)) && user
      ? toUserView(user, this.config.pageLimitMax)
      : null;
  }

  /** Whether `password` is this user's (asked again before an action like account deletion). */
  async passwordMatches(id: string, password: string): Promise<boolean> {
    const user = await this.users.findById(id, { password: 1 }).lean().exec();
    return this.passwords.matches(password, user?.password);
  }

  async findOrFail(id: string): Promise<UserView> {
    const user = await this.users.findById(id).lean().exec();
    if (!user) throw new NotFoundException('User not found');
    return toUserView(user, this.config.pageLimitMax);
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

  async exists(id: string): Promise<boolean> {
    return (await this.users.exists({ _id: id }).exec()) !== null;
  }

  /** Sets exactly the onboarding fields (never email, password, friends...) and queues a Stream sync. */
  async completeOnboarding(id: string, profile: OnboardingProfile): Promise<UserView> {
    const set: Partial<User> = {
      fullName: profile.fullName,
      bio: profile.bio,
      nativeLanguage: profile.nativeLanguage,
      learningLanguage: profile.learningLanguage,
      location: profile.location,
      isOnboarded: true,
      syncPending: true,
      syncNextAt: this.deferredSync(),
    };
    if (profile.profilePic !== undefined) set.profilePic = profile.profilePic;
    const user = await this.users
      .findByIdAndUpdate(id, { $set: set, $inc: { profileVersion: 1 } }, { returnDocument: 'after' })
      .lean()
      .exec();
    if (!user) throw new NotFoundException('User not found');
    return toUserView(user, this.config.pageLimitMax);
  }

  /**
   * The token hot path: a tiny projection, no hydration, cached for USER_EXISTS_CACHE_MS so a deleted user is
   * refused within that time (at once on this instance: deletion calls forgetSession).
   */
  async findSessionUser(id: string): Promise<SessionUser | null> {
    const now = Date.now();
    const cached = this.sessions.get(id, now);
    if (cached !== undefined) return cached;
    if (!OBJECT_ID_PATTERN.test(id)) return null;
    const doc = await this.users.findById(id, { _id: 1, chatTokensValidFrom: 1 }).lean().exec();
    const user = doc ? { id, chatTokensValidFrom: doc.chatTokensValidFrom ?? 0 } : null;
    this.sessions.set(id, user, now);
    return user;
  }

  forgetSession(id: string): void {
    this.sessions.delete(id);
  }

  /**
   * Stream must refuse this user's chat tokens issued before `seconds`: recorded here and queued for the Stream
   * mirror like a profile change, so it reaches Stream even if Stream is down right now.
   */
  async queueChatTokenRevocation(id: string, seconds: number): Promise<void> {
    await this.users
      .updateOne(
        { _id: id },
        {
          $set: { chatTokensValidFrom: seconds, syncPending: true, syncNextAt: this.deferredSync() },
          $inc: { profileVersion: 1 },
        },
      )
      .exec();
    this.forgetSession(id);
  }

  /** The account with this email, if any: its id only. */
  async findIdByEmail(email: string): Promise<string | null> {
    const user = await this.users.findOne({ email }, { _id: 1 }).lean().exec();
    return user ? user._id.toString() : null;
  }

  async setPassword(id: string, password: string): Promise<void> {
    const hash = await this.passwords.hash(password);
    await this.users.updateOne({ _id: id }, { $set: { password: hash } }).exec();
  }

  async setChatTokensValidFrom(id: string, seconds: number): Promise<void> {
    await this.users.updateOne({ _id: id }, { $set: { chatTokensValidFrom: seconds } }).exec();
    this.forgetSession(id);
  }

  /** Mutual friendship: each lists the other (accept writes both sides before the request counts as accepted). */
  async areFriends(a: string, b: string): Promise<boolean> {
    if (a === b || !OBJECT_ID_PATTERN.test(a) || !OBJECT_ID_PATTERN.test(b)) return false;
    const both = await this.users
      .countDocuments({
        $or: [
          { _id: a, friends: b },
          { _id: b, friends: a },
        ],
      })
      .exec();
    return both === 2;
  }

  /** Whether `me` lists `other` as a friend (one side: what unfriend still has to undo). */
  async listsAsFriend(me: string, other: string): Promise<boolean> {
    return (await this.users.exists({ _id: me, friends: other }).exec()) !== null;
  }

  /**
   * Idempotent ($addToSet): a repeated or concurrent call leaves each in the other's list exactly once. A side that
   * already lists the other is not matched, so a repeat (a retried accept answering 409) writes nothing, not even
   * `updatedAt`.
   */
  async addFriends(a: string, b: string): Promise<void> {
    await this.users.bulkWrite(
      [
        { updateOne: { filter: { _id: a, friends: { $ne: b } }, update: { $addToSet: { friends: b } } } },
        { updateOne: { filter: { _id: b, friends: { $ne: a } }, update: { $addToSet: { friends: a } } } },
      ],
      { ordered: true },
    );
  }

  /**
   * Idempotent. `me` is pulled from `other`'s list first and `other` from mine last, so while `me` still lists
   * `other` a retried unfriend has work to finish.
   */
  async removeFriends(me: string, other: string): Promise<void> {
    await this.users.bulkWrite(
      [
        { updateOne: { filter: { _id: other, friends: me }, update: { $pull: { friends: me } } } },
        { updateOne: { filter: { _id: me, friends: other }, update: { $pull: { friends: other } } } },
      ],
      { ordered: true },
    );
  }

  /** Account deletion: nobody keeps a deleted user as a friend. Returns how many lists changed. */
  async removeFromAllFriendLists(userId: string): Promise<number> {
    const result = await this.users.updateMany({ friends: userId }, { $pull: { friends: userId } }).exec();
    return result.modifiedCount;
  }

  /**
   * One page of recommended partners: onboarded, not me, not my friends, ranked by tier (see Tier) then newest
   * first. Keyset paging: each page walks at most the three tier queries from the cursor on, each bounded by the
   * page size and served by an index, so a page costs the same with 100 or 100,000 users. Users who sign up
   * between two fetches sort before the cursor of their tier, so they never shift (repeat or skip) anyone.
   */
  async recommend(me: string, query: PageQueryDto): Promise<Page<PublicProfile[]>> {
    const limit = pageLimit(query.limit, DEFAULT_PAGE_LIMIT, this.config.pageLimitMax);
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const self = await this.users
      .findById(me, { nativeLanguage: 1, learningLanguage: 1, friends: 1 })
      .lean()
      .exec();
    if (!self) throw new NotFoundException('User not found');
    const languages = {
      nativeLanguage: self.nativeLanguage ?? '',
      learningLanguage: self.learningLanguage ?? '',
    };
    // Blocks hide both ways: nobody I blocked, nobody who blocked me.
    const excluded = [self._id, ...(self.friends ?? []), ...(await this.blocks.idsBlockedEitherWay(me))];

    const found: { tier: Tier; user: UserRecord }[] = [];
    for (const tier of TIERS) {
      if (cursor && tier < cursor.tier) continue;
      const want = limit + 1 - found.length; // one extra tells whether a next page exists
      if (want <= 0) break;
      const and: Record<string, unknown>[] = [tierFilter(languages, tier)];
      if (cursor && tier === cursor.tier) and.push(afterCursor(cursor));
      const users = await this.users
        .find(
          { isOnboarded: true, _id: { $nin: excluded }, $and: and },
          { ...PUBLIC_PROFILE_FIELDS, createdAt: 1 },
        )
        .sort({ createdAt: -1, _id: -1 })
        .limit(want)
        .lean()
        .exec();
      found.push(...users.map((user) => ({ tier, user })));
    }

    const page = found.slice(0, limit);
    const last = page[page.length - 1];
    const next =
      found.length > limit && last
        ? encodeCursor({
            tier: last.tier,
            createdAt: last.user.createdAt as Date,
            id: last.user._id.toString(),
          })
        : undefined;
    return { items: page.map(({ user }) => toPublicProfile(user)), next };
  }

  /**
   * One page of my friends' cards in id order (a friend added meanwhile never shifts the pages), by default as
   * many as the largest page: everyone, for an ordinary user. One query for the page, none per friend.
   */
  async findFriends(me: string, query: PageQueryDto): Promise<Page<FriendCard[]>> {
    const limit = pageLimit(query.limit, this.config.pageLimitMax, this.config.pageLimitMax);
    const after =
      query.cursor === undefined
        ? undefined
        : decodePageCursor(query.cursor, ([id, ...rest]) =>
            isObjectIdString(id) && rest.length === 0 ? new Types.ObjectId(id) : undefined,
          );
    const friends = await this.friendRecords(me, after, limit + 1); // one extra tells whether there is more
    const page = friends.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toFriendCard),
      next: friends.length > limit && last ? encodePageCursor([last._id.toString()]) : undefined,
    };
  }

  /** Every friend's card at once, for my data export (the API pages them: findFriends). */
  async findAllFriends(me: string): Promise<FriendCard[]> {
    return (await this.friendRecords(me, undefined, 0)).map(toFriendCard);
  }

  /** My friends in id order after `after`, at most `limit` of them (0: all). */
  private async friendRecords(me: string, after: Types.ObjectId | undefined, limit: number) {
    const self = await this.users.findById(me, { friends: 1 }).lean().exec();
    if (!self) throw new NotFoundException('User not found');
    return this.users
      .find({ _id: { $in: self.friends ?? [], ...(after ? { $gt: after } : {}) } }, FRIEND_CARD_FIELDS)
      .sort({ _id: 1 })
      .limit(limit)
      .lean<UserRecord[]>()
      .exec();
  }

  /** Which of these ids have an app user (ids are ObjectId strings; the caller validates them). */
  async findExistingIds(ids: string[]): Promise<Set<string>> {
    const found = await this.users
      .find({ _id: { $in: ids } }, { _id: 1 })
      .lean()
      .exec();
    return new Set(found.map((u) => u._id.toString()));
  }

  /** Account deletion's last step; the token hot path refuses the user at once on this instance. */
  async deleteUserDocument(id: string): Promise<boolean> {
    const result = await this.users.deleteOne({ _id: id }).exec();
    this.forgetSession(id);
    return result.deletedCount > 0;
  }

  // The Stream sync state, for accounts/stream-sync.service.ts.

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
            $set: { syncPending: false, syncAttempts: 0, inStream: true },
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

  // Adopting a database the Express backend wrote (migration/): raw documents, before they fit the schema.

  countAll(): Promise<number> {
    return this.users.estimatedDocumentCount().exec();
  }

  /** Up to `limit` users after `after` in _id order, with what the migration checks. */
  pageLegacy(after: Types.ObjectId | undefined, limit: number): Promise<LegacyUser[]> {
    return this.users
      .find(after ? { _id: { $gt: after } } : {}, {
        email: 1,
        nativeLanguage: 1,
        learningLanguage: 1,
        friends: 1,
        syncPending: 1,
      })
      .sort({ _id: 1 })
      .limit(limit)
      .lean<LegacyUser[]>()
      .exec();
  }

  /** Emails several accounts share once trimmed and lower-cased. */
  async findEmailCaseConflicts(): Promise<EmailCaseConflict[]> {
    const groups = await this.users
      .aggregate<{
        _id: string;
        accounts: { id: Types.ObjectId; email: string; createdAt?: Date }[];
      }>([
        { $sort: { createdAt: 1, _id: 1 } },
        {
          $group: {
            _id: { $toLower: { $trim: { input: '$email' } } },
            accounts: { $push: { id: '$_id', email: '$email', createdAt: '$createdAt' } },
            n: { $sum: 1 },
          },
        },
        { $match: { n: { $gt: 1 } } },
        { $sort: { _id: 1 } },
      ])
      .allowDiskUse(true)
      .exec();
    return groups.map((g) => ({
      email: g._id,
      accounts: g.accounts.map((a) => ({ id: a.id.toString(), email: a.email, createdAt: a.createdAt })),
    }));
  }

  /** Each of these users' friend list (a user that does not exist is absent from the map). */
  async findFriendLists(ids: Types.ObjectId[]): Promise<Map<string, Set<string>>> {
    const found = await this.users
      .find({ _id: { $in: ids } }, { friends: 1 })
      .lean<{ _id: Types.ObjectId; friends?: Types.ObjectId[] }[]>()
      .exec();
    return new Map(found.map((u) => [u._id.toString(), new Set((u.friends ?? []).map(String))]));
  }

  /**
   * Applies the migration's repairs in one unordered bulk write; each is idempotent ($addToSet, $pull, and the
   * sync state only where it is absent). Returns the users whose new email collided with another account's.
   */
  async applyRepairs(repairs: UserRepair[]): Promise<{ emailCollisions: string[] }> {
    const ops = repairs.flatMap((r) => [
      ...(r.set ? [{ id: r.id, filter: { _id: r.id }, update: { $set: r.set } }] : []),
      ...(r.startSync
        ? [
            {
              id: r.id,
              filter: { _id: r.id, syncPending: { $exists: false } },
              update: {
                $set: { profileVersion: 1, syncPending: true, syncAttempts: 0, syncNextAt: new Date() },
              },
            },
          ]
        : []),
      ...(r.addFriends?.length
        ? [{ id: r.id, filter: { _id: r.id }, update: { $addToSet: { friends: { $each: r.addFriends } } } }]
        : []),
      ...(r.removeFriends?.length
        ? [{ id: r.id, filter: { _id: r.id }, update: { $pull: { friends: { $in: r.removeFriends } } } }]
        : []),
    ]);
    if (ops.length === 0) return { emailCollisions: [] };
    try {
      await this.users.bulkWrite(
        ops.map(({ filter, update }) => ({ updateOne: { filter, update } })),
        { ordered: false },
      );
      return { emailCollisions: [] };
    } catch (error) {
      const failed = (error as { writeErrors?: { index: number; code: number }[] }).writeErrors;
      if (!failed || failed.some((e) => e.code !== 11000)) throw error;
      return { emailCollisions: failed.map((e) => ops[e.index].id.toString()) };
    }
  }
}
