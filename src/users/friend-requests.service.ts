import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import { Model, PopulateOptions, Types } from 'mongoose';
import { usersConfig } from '../config/configuration';
import { PageQueryDto } from './dto/page-query.dto';
import {
  FriendRequestRecord,
  FriendRequestsOverview,
  FriendRequestView,
  OutgoingFriendRequest,
  toAccepted,
  toFriendRequestView,
  toIncoming,
  toOutgoing,
} from './friend-request.view';
import { BlocksService } from './blocks.service';
import {
  FriendRequest,
  FriendRequestStatus,
  LIVE_STATUSES,
  pairKeyOf,
} from './schemas/friend-request.schema';
import {
  decodePageCursor,
  encodePageCursor,
  isDateMs,
  isObjectIdString,
  newestFirstAfter,
  Page,
  pageLimit,
  type Position,
} from '../common/page-cursor';
import { PUBLIC_PROFILE_FIELDS } from './user.view';
import { LegacyFriendRequest } from './legacy-data';
import { isDuplicateKey } from '../common/mongo-errors';
import { FriendsService } from './friends.service';
import { UsersService } from './users.service';

const notNull = <T>(v: T | null): v is T => v !== null;
const NEWEST_FIRST = { createdAt: -1, _id: -1 } as const;

/** A list's position in a cursor: where its last page ended, or 0 once it has no more. */
type ListPosition = Position | 'done';

const readPosition = (v: unknown): ListPosition | undefined => {
  if (v === 0) return 'done';
  if (!Array.isArray(v) || v.length !== 2 || !isDateMs(v[0]) || !isObjectIdString(v[1])) return undefined;
  return { createdAt: new Date(v[0]), id: v[1] };
};
const writePosition = (p: ListPosition): unknown => (p === 'done' ? 0 : [p.createdAt.getTime(), p.id]);

/** One page of requests, newest first, after `after`; `next` is where it ended, or 'done'. */
interface RequestPage {
  docs: FriendRequestRecord[];
  next: ListPosition;
}

/**
 * Owns the `friendrequests` collection. Friendship itself lives in the users' `friends` arrays (UsersService);
 * this service orders its writes so that every retried call converges without transactions.
 */
@Injectable()
export class FriendRequestsService {
  private readonly logger = new Logger(FriendRequestsService.name);

  constructor(
    @InjectModel(FriendRequest.name) private readonly requests: Model<FriendRequest>,
    private readonly users: UsersService,
    private readonly friends: FriendsService,
    private readonly blocks: BlocksService,
    @Inject(usersConfig.KEY) private readonly config: ConfigType<typeof usersConfig>,
  ) {}

  /**
   * The unique partial index on the unordered pair decides, not a read-then-write check: of any number of
   * concurrent sends (either direction) exactly one inserts, the others get 409.
   */
  async send(senderId: string, recipientId: string): Promise<FriendRequestView> {
    if (senderId === recipientId)
      throw new BadRequestException("You can't send a friend request to yourself");
    if (!(await this.users.exists(recipientId))) throw new NotFoundException('Recipient not found');
    await this.refuseIfBlocked(senderId, recipientId);
    if (await this.friends.areFriends(senderId, recipientId))
      throw new ConflictException('You are already friends with this user');
    try {
      const created = await this.requests.create({
        sender: senderId,
        recipient: recipientId,
        status: FriendRequestStatus.Pending,
        pairKey: pairKeyOf(senderId, recipientId),
      });
      // Checked again after the write: a block stored meanwhile either deleted this request already or is seen
      // here, so a request never survives a block that raced it.
      if ((await this.blocks.direction(senderId, recipientId)) !== 'none') {
        await this.requests.deleteOne({ _id: created._id, status: FriendRequestStatus.Pending }).exec();
        await this.refuseIfBlocked(senderId, recipientId);
      }
      this.logger.log(`friend request ${created.id} from ${senderId} to ${recipientId}`);
      return toFriendRequestView(created.toObject());
    } catch (error) {
      if (isDuplicateKey(error))
        throw new ConflictException('A friend request already exists between you and this user');
      throw error;
    }
  }

  /**
   * Friends are written first ($addToSet, idempotent), the request is marked accepted last, so a crash in
   * between leaves it pending and a retried accept finishes the job. Accepting an already accepted request
   * re-applies the friendship (repairing it if needed) and then answers 409 "not pending". Returns the sender.
   */
  async accept(requestId: string, me: string): Promise<string> {
    const request = await this.findForRecipient(requestId, me);
    const sender = request.sender.toString();
    if (request.status === FriendRequestStatus.Rejected)
      throw new ConflictException('Friend request is not pending');

    await this.friends.addFriends(sender, me);
    if (request.status === FriendRequestStatus.Accepted) {
      await this.undoIfUnfriended(requestId, sender, me);
      throw new ConflictException('Friend request is not pending');
    }

    const marked = await this.requests
      .updateOne(
        { _id: requestId, status: FriendRequestStatus.Pending },
        { $set: { status: FriendRequestStatus.Accepted } },
      )
      .exec();
    if (marked.modifiedCount === 1) {
      this.logger.log(`friend request ${requestId} accepted: ${sender} and ${me} are friends`);
      return sender;
    }
    // Lost a race: another accept (friendship complete, nothing to undo) or a reject/withdrawal.
    const now = await this.requests.findById(requestId, { status: 1 }).lean().exec();
    if (now?.status !== FriendRequestStatus.Accepted) await this.friends.removeFriends(me, sender);
    throw new ConflictException('Friend request is not pending');
  }

  /** The recipient declines. The pair leaves the unique index, so the sender may ask again later. Returns the sender. */
  async reject(requestId: string, me: string): Promise<string> {
    const request = await this.findForRecipient(requestId, me);
    const result = await this.requests
      .updateOne(
        { _id: requestId, status: FriendRequestStatus.Pending },
        { $set: { status: FriendRequestStatus.Rejected } },
      )
      .exec();
    if (result.modifiedCount !== 1) throw new ConflictException('Friend request is not pending');
    return request.sender.toString();
  }

  /** The sender withdraws a pending request (deleted: nothing about it is worth keeping). Returns the recipient. */
  async withdraw(requestId: string, me: string): Promise<string> {
    const request = await this.findOrFail(requestId);
    if (request.sender.toString() !== me)
      throw new ForbiddenException('Only the sender can withdraw this friend request');
    const result = await this.requests
      .deleteOne({ _id: requestId, status: FriendRequestStatus.Pending })
      .exec();
    if (result.deletedCount !== 1) throw new ConflictException('Friend request is not pending');
    return request.recipient.toString();
  }

  /**
   * Unfriend. The accepted request goes first (so they can send a new one later), then both friend lists; a
   * failure half-way leaves me still listing them, so a retry finishes.
   */
  async unfriend(me: string, other: string): Promise<void> {
    if (me === other) throw new BadRequestException("You can't unfriend yourself");
    if (!(await this.friends.listsAsFriend(me, other)))
      throw new NotFoundException('This user is not your friend');
    await this.requests
      .deleteMany({ pairKey: pairKeyOf(me, other), status: FriendRequestStatus.Accepted })
      .exec();
    await this.friends.removeFriends(me, other);
    this.logger.log(`${me} unfriended ${other}`);
  }

  /**
   * A block ends everything live between two users: pending requests either way are withdrawn, an accepted one
   * is deleted and the friendship ends (both lists). Idempotent; returns how many requests went.
   */
  async endRelationship(a: string, b: string): Promise<number> {
    const removed = await this.requests
      .deleteMany({ pairKey: pairKeyOf(a, b), status: { $in: LIVE_STATUSES } })
      .exec();
    await this.friends.removeFriends(a, b);
    return removed.deletedCount;
  }

  /** Every request I sent or received, in any status, newest first (my data export). */
  async allInvolving(me: string): Promise<FriendRequestView[]> {
    const docs = await this.requests
      .find({ $or: [{ sender: me }, { recipient: me }] })
      .sort(NEWEST_FIRST)
      .lean()
      .exec();
    return docs.map(toFriendRequestView);
  }

  /**
   * Requests I received (pending) and my requests others accepted, newest first, each list paged on its own: the
   * cursor holds both positions, so one Link walks both until neither has more.
   */
  async overview(me: string, query: PageQueryDto): Promise<Page<FriendRequestsOverview>> {
    const limit = this.listLimit(query);
    const [fromIncoming, fromAccepted] =
      query.cursor === undefined
        ? [undefined, undefined]
        : decodePageCursor(query.cursor, ([a, b, ...rest]) => {
            const positions = [readPosition(a), readPosition(b)];
            return rest.length === 0 && positions[0] && positions[1] ? positions : undefined;
          });
    const [incoming, accepted] = await Promise.all([
      this.newestFirst(
        { recipient: me, status: FriendRequestStatus.Pending },
        { path: 'sender', select: PUBLIC_PROFILE_FIELDS },
        fromIncoming,
        limit,
      ),
      this.newestFirst(
        { sender: me, status: FriendRequestStatus.Accepted },
        { path: 'recipient', select: { fullName: 1, profilePic: 1 } },
        fromAccepted,
        limit,
      ),
    ]);
    const more = incoming.next !== 'done' || accepted.next !== 'done';
    return {
      items: {
        incomingReqs: incoming.docs.map(toIncoming).filter(notNull),
        acceptedReqs: accepted.docs.map(toAccepted).filter(notNull),
      },
      next: more ? encodePageCursor([writePosition(incoming.next), writePosition(accepted.next)]) : undefined,
    };
  }

  /** My pending requests, newest first. */
  async outgoing(me: string, query: PageQueryDto): Promise<Page<OutgoingFriendRequest[]>> {
    const after =
      query.cursor === undefined
        ? undefined
        : decodePageCursor(query.cursor, ([a, ...rest]) => {
            const position = readPosition(a);
            return rest.length === 0 && position !== 'done' ? position : undefined;
          });
    const page = await this.newestFirst(
      { sender: me, status: FriendRequestStatus.Pending },
      { path: 'recipient', select: PUBLIC_PROFILE_FIELDS },
      after,
      this.listLimit(query),
    );
    return {
      items: page.docs.map(toOutgoing).filter(notNull),
      next: page.next === 'done' ? undefined : encodePageCursor([writePosition(page.next)]),
    };
  }

  /** By default as many as the largest page: every request of an ordinary user at once, as the seed sent them. */
  private listLimit(query: PageQueryDto): number {
    return pageLimit(query.limit, this.config.pageLimitMax, this.config.pageLimitMax);
  }

  private async newestFirst(
    filter: Record<string, unknown>,
    populate: PopulateOptions,
    after: ListPosition | undefined,
    limit: number,
  ): Promise<RequestPage> {
    if (after === 'done') return { docs: [], next: 'done' };
    const docs = await this.requests
      .find(after ? { $and: [filter, newestFirstAfter(after)] } : filter)
      .sort(NEWEST_FIRST)
      .limit(limit + 1) // one extra tells whether a next page exists
      .populate(populate)
      .lean<FriendRequestRecord[]>()
      .exec();
    const page = docs.slice(0, limit);
    const last = page[page.length - 1];
    const next: ListPosition =
      docs.length > limit && last ? { createdAt: last.createdAt, id: last._id.toString() } : 'done';
    return { docs: page, next };
  }

  /** Account deletion: every request the user sent or received. */
  async deleteAllInvolving(userId: string): Promise<number> {
    const result = await this.requests
      .deleteMany({ $or: [{ sender: userId }, { recipient: userId }] })
      .exec();
    return result.deletedCount;
  }

  // Adopting a database the Express backend wrote (migration/).

  /** Up to `limit` requests after `after` in _id order, pair key included. */
  pageLegacy(after: Types.ObjectId | undefined, limit: number): Promise<LegacyFriendRequest[]> {
    return this.requests
      .find(after ? { _id: { $gt: after } } : {}, {
        sender: 1,
        recipient: 1,
        status: 1,
        createdAt: 1,
        pairKey: 1,
      })
      .sort({ _id: 1 })
      .limit(limit)
      .lean<LegacyFriendRequest[]>()
      .exec();
  }

  /** The requests the Express backend wrote have no pair key; the unique pair index needs one on each. */
  async setPairKeys(keys: { id: Types.ObjectId; pairKey: string }[]): Promise<void> {
    if (keys.length === 0) return;
    await this.requests.bulkWrite(
      keys.map((k) => ({ updateOne: { filter: { _id: k.id }, update: { $set: { pairKey: k.pairKey } } } })),
      { ordered: false },
    );
  }

  /** Removes requests that duplicate the one kept for their pair. */
  async deleteDuplicates(ids: Types.ObjectId[]): Promise<number> {
    const result = await this.requests.deleteMany({ _id: { $in: ids } }).exec();
    return result.deletedCount;
  }

  /** A user who blocked me answers as if they did not exist; someone I blocked must be unblocked first. */
  private async refuseIfBlocked(me: string, other: string): Promise<void> {
    const direction = await this.blocks.direction(me, other);
    if (direction === 'blocked-me') throw new NotFoundException('Recipient not found');
    if (direction === 'i-blocked')
      throw new ConflictException('You have blocked this user; unblock them before sending a request');
  }

  private async findOrFail(requestId: string) {
    const request = await this.requests.findById(requestId).lean().exec();
    if (!request) throw new NotFoundException('Friend request not found');
    return request;
  }

  private async findForRecipient(requestId: string, me: string) {
    const request = await this.findOrFail(requestId);
    if (request.recipient.toString() !== me)
      throw new ForbiddenException('Only the recipient can answer this friend request');
    return request;
  }

  /** A repeated accept raced an unfriend (which deletes the request first): take the re-added friendship back. */
  private async undoIfUnfriended(requestId: string, sender: string, me: string): Promise<void> {
    if (!(await this.requests.exists({ _id: new Types.ObjectId(requestId) }).exec()))
      await this.friends.removeFriends(me, sender);
  }
}
