import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { authConfig, syncConfig, usersConfig } from '../config/configuration';
import { User } from './schemas/user.schema';
import { afterCursor, decodeCursor, encodeCursor, Tier, TIERS, tierFilter } from './recommendation-cursor';
import { DEFAULT_PAGE_LIMIT, RecommendationsQueryDto } from './dto/recommendations-query.dto';
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
  passwordHash: string;
  fullName: string;
  profilePic: string;
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

export interface RecommendationPage {
  items: PublicProfile[];
  /** Opaque cursor of the next page, absent on the last one. */
  next?: string;
}

export const isDuplicateKey = (error: unknown): boolean => (error as { code?: number })?.code === 11000;

/** Owns the `users` collection: every query on it lives here. */
@Injectable()
export class UsersService {
  private readonly sessions = new Map<string, { user: SessionUser | null; until: number }>();

  constructor(
    @InjectModel(User.name) private readonly users: Model<User>,
    @Inject(authConfig.KEY) private readonly auth: ConfigType<typeof authConfig>,
    @Inject(syncConfig.KEY) private readonly sync: ConfigType<typeof syncConfig>,
    @Inject(usersConfig.KEY) private readonly paging: ConfigType<typeof usersConfig>,
  ) {}

  /** When the sync worker may pick up a change: the request's own inline push (UserSyncService) goes first. */
  private deferredSync(): Date {
    return new Date(Date.now() + this.sync.leaseMs);
  }

  async createAccount(account: NewAccount): Promise<UserView> {
    try {
      const created = await this.users.create({
        email: account.email,
        password: account.passwordHash,
        fullName: account.fullName,
        profilePic: account.profilePic,
        syncNextAt: this.deferredSync(),
      });
      return toUserView(created.toObject());
    } catch (error) {
      // The unique index decides, so concurrent signups with one email give exactly one account.
      if (isDuplicateKey(error))
        throw new ConflictException('Email already exists, please use a different one');
      throw error;
    }
  }

  /** The stored hash for a login attempt, or null when no account has this email. */
  /** The account and its hash for a login attempt, in one query; null when no account has this email. */
  async findCredentials(email: string): Promise<{ user: UserView; passwordHash: string } | null> {
    const user = await this.users.findOne({ email }).select('+password').lean().exec();
    return user ? { user: toUserView(user), passwordHash: user.password } : null;
  }

  async findPasswordHash(id: string): Promise<string | null> {
    const user = await this.users.findById(id, { password: 1 }).lean().exec();
    return user?.password ?? null;
  }

  async findOrFail(id: string): Promise<UserView> {
    const user = await this.users.findById(id).lean().exec();
    if (!user) throw new NotFoundException('User not found');
    return toUserView(user);
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
    return toUserView(user);
  }

  /**
   * The token hot path: a tiny projection, no hydration, cached for USER_EXISTS_CACHE_MS so a deleted user is
   * refused within that time (at once on this instance: deletion calls forgetSession).
   */
  async findSessionUser(id: string): Promise<SessionUser | null> {
    const now = Date.now();
    const cached = this.sessions.get(id);
    if (cached && cached.until > now) return cached.user;
    if (!Types.ObjectId.isValid(id)) return null;
    const doc = await this.users.findById(id, { _id: 1, chatTokensValidFrom: 1 }).lean().exec();
    const user = doc ? { id, chatTokensValidFrom: doc.chatTokensValidFrom ?? 0 } : null;
    if (this.auth.userExistsCacheMs > 0) {
      if (this.sessions.size >= 10_000) this.sessions.clear();
      this.sessions.set(id, { user, until: now + this.auth.userExistsCacheMs });
    }
    return user;
  }

  forgetSession(id: string): void {
    this.sessions.delete(id);
  }

  async setChatTokensValidFrom(id: string, seconds: number): Promise<void> {
    await this.users.updateOne({ _id: id }, { $set: { chatTokensValidFrom: seconds } }).exec();
    this.forgetSession(id);
  }

  /** Mutual friendship: each lists the other (accept writes both sides before the request counts as accepted). */
  async areFriends(a: string, b: string): Promise<boolean> {
    if (a === b || !Types.ObjectId.isValid(a) || !Types.ObjectId.isValid(b)) return false;
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

  /** Idempotent ($addToSet): a repeated or concurrent call leaves each in the other's list exactly once. */
  async addFriends(a: string, b: string): Promise<void> {
    await this.users.bulkWrite(
      [
        { updateOne: { filter: { _id: a }, update: { $addToSet: { friends: b } } } },
        { updateOne: { filter: { _id: b }, update: { $addToSet: { friends: a } } } },
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
        { updateOne: { filter: { _id: other }, update: { $pull: { friends: me } } } },
        { updateOne: { filter: { _id: me }, update: { $pull: { friends: other } } } },
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
   * One page of recommended partners: onboarded, not me, not my friends, ranked by tier (see tierOf) then newest
   * first. Keyset paging: each page walks at most the three tier queries from the cursor on, each bounded by the
   * page size and served by an index, so a page costs the same with 100 or 100,000 users. Users who sign up
   * between two fetches sort before the cursor of their tier, so they never shift (repeat or skip) anyone.
   */
  async recommend(me: string, query: RecommendationsQueryDto): Promise<RecommendationPage> {
    const limit = query.limit ?? Math.min(DEFAULT_PAGE_LIMIT, this.paging.pageLimitMax);
    if (limit > this.paging.pageLimitMax)
      throw new BadRequestException(`limit must not be greater than ${this.paging.pageLimitMax}`);
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
    const excluded = [self._id, ...(self.friends ?? [])];

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

  /** My friends' cards: one populate, no per-friend query. */
  async findFriends(me: string): Promise<FriendCard[]> {
    const self = await this.users
      .findById(me, { friends: 1 })
      .populate<{ friends: UserRecord[] }>({ path: 'friends', select: FRIEND_CARD_FIELDS })
      .lean()
      .exec();
    if (!self) throw new NotFoundException('User not found');
    return self.friends.map(toFriendCard);
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
}
