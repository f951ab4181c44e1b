import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import {
  AcceptedFriendRequest,
  FriendRequestRecord,
  FriendRequestsOverview,
  FriendRequestView,
  IncomingFriendRequest,
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
import { PUBLIC_PROFILE_FIELDS } from './user.view';
import { LegacyFriendRequest } from './legacy-data';
import { isDuplicateKey, UsersService } from './users.service';

const notNull = <T>(v: T | null): v is T => v !== null;
const NEWEST_FIRST = { createdAt: -1, _id: -1 } as const;

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
    private readonly blocks: BlocksService,
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
    if (await this.users.areFriends(senderId, recipientId))
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
   * re-applies the friendship (repairing it if needed) and then answers 409 "not pending".
   */
  async accept(requestId: string, me: string): Promise<void> {
    const request = await this.findForRecipient(requestId, me);
    const sender = request.sender.toString();
    if (request.status === FriendRequestStatus.Rejected)
      throw new ConflictException('Friend request is not pending');

    await this.users.addFriends(sender, me);
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
      return;
    }
    // Lost a race: another accept (friendship complete, nothing to undo) or a reject/withdrawal.
    const now = await this.requests.findById(requestId, { status: 1 }).lean().exec();
    if (now?.status !== FriendRequestStatus.Accepted) await this.users.removeFriends(me, sender);
    throw new ConflictException('Friend request is not pending');
  }

  /** The recipient declines. The pair leaves the unique index, so the sender may ask again later. */
  async reject(requestId: string, me: string): Promise<void> {
    await this.findForRecipient(requestId, me);
    const result = await this.requests
      .updateOne(
        { _id: requestId, status: FriendRequestStatus.Pending },
        { $set: { status: FriendRequestStatus.Rejected } },
      )
      .exec();
    if (result.modifiedCount !== 1) throw new ConflictException('Friend request is not pending');
  }

  /** The sender withdraws a pending request (deleted: nothing about it is worth keeping). */
  async withdraw(requestId: string, me: string): Promise<void> {
    const request = await this.findOrFail(requestId);
    if (request.sender.toString() !== me)
      throw new ForbiddenException('Only the sender can withdraw this friend request');
    const result = await this.requests
      .deleteOne({ _id: requestId, status: FriendRequestStatus.Pending })
      .exec();
    if (result.deletedCount !== 1) throw new ConflictException('Friend request is not pending');
  }

  /**
   * Unfriend. The accepted request goes first (so they can send a new one later), then both friend lists; a
   * failure half-way leaves me still listing them, so a retry finishes.
   */
  async unfriend(me: string, other: string): Promise<void> {
    if (me === other) throw new BadRequestException("You can't unfriend yourself");
    if (!(await this.users.listsAsFriend(me, other)))
      throw new NotFoundException('This user is not your friend');
    await this.requests
      .deleteMany({ pairKey: pairKeyOf(me, other), status: FriendRequestStatus.Accepted })
      .exec();
    await this.users.removeFriends(me, other);
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
    await this.users.removeFriends(a, b);
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

  async overview(me: string): Promise<FriendRequestsOverview> {
    const [incoming, accepted] = await Promise.all([this.incoming(me), this.acceptedByOthers(me)]);
    return { incomingReqs: incoming, acceptedReqs: accepted };
  }

  async outgoing(me: string): Promise<OutgoingFriendRequest[]> {
    const docs = await this.requests
      .find({ sender: me, status: FriendRequestStatus.Pending })
      .sort(NEWEST_FIRST)
      .populate({ path: 'recipient', select: PUBLIC_PROFILE_FIELDS })
      .lean<FriendRequestRecord[]>()
      .exec();
    return docs.map(toOutgoing).filter(notNull);
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

  private async incoming(me: string): Promise<IncomingFriendRequest[]> {
    const docs = await this.requests
      .find({ recipient: me, status: FriendRequestStatus.Pending })
      .sort(NEWEST_FIRST)
      .populate({ path: 'sender', select: PUBLIC_PROFILE_FIELDS })
      .lean<FriendRequestRecord[]>()
      .exec();
    return docs.map(toIncoming).filter(notNull);
  }

  private async acceptedByOthers(me: string): Promise<AcceptedFriendRequest[]> {
    const docs = await this.requests
      .find({ sender: me, status: FriendRequestStatus.Accepted })
      .sort(NEWEST_FIRST)
      .populate({ path: 'recipient', select: { fullName: 1, profilePic: 1 } })
      .lean<FriendRequestRecord[]>()
      .exec();
    return docs.map(toAccepted).filter(notNull);
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
      await this.users.removeFriends(me, sender);
  }
}
