import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { Types } from 'mongoose';
import { OBJECT_ID_PATTERN } from '../common/object-id';
import { usersConfig } from '../config/configuration';
import { PageQueryDto } from './dto/page-query.dto';
import { FRIEND_CARD_FIELDS, FriendCard, toFriendCard } from './friend.view';
import { decodePageCursor, encodePageCursor, isObjectIdString, Page, pageLimit } from '../common/page-cursor';
import { UserCollection } from './user-collection';
import { UserRecord } from './user.view';

/** Friendship: the users' `friends` arrays, kept mutual, and the pages of friend cards. */
@Injectable()
export class FriendsService {
  constructor(
    private readonly collection: UserCollection,
    @Inject(usersConfig.KEY) private readonly config: ConfigType<typeof usersConfig>,
  ) {}

  private get users() {
    return this.collection.model;
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
}
