import { Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import { EmailCaseConflict, LegacyUser, UserRepair } from './legacy-data';
import { UserCollection } from './user-collection';

/** Adopting a database the Express backend wrote (migration/): raw documents, before they fit the schema. */
@Injectable()
export class LegacyUsersService {
  constructor(private readonly collection: UserCollection) {}

  private get users() {
    return this.collection.model;
  }

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
