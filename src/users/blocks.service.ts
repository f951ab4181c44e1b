import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { BLOCKED_USER_FIELDS, BlockedUser, BlockRecord, toBlockedUser } from './block.view';
import { Block } from './schemas/block.schema';

/** Which way a block runs between me and another user. */
export type BlockDirection = 'none' | 'i-blocked' | 'blocked-me';

/**
 * Owns the `blocks` collection. Only the blocks themselves: what a block changes elsewhere (requests,
 * friendship, Stream) is ordered by the caller (accounts/blocking.service.ts).
 */
@Injectable()
export class BlocksService {
  private readonly logger = new Logger(BlocksService.name);

  constructor(@InjectModel(Block.name) private readonly blocks: Model<Block>) {}

  /**
   * Idempotent: blocking again keeps the first block. The unique index decides between concurrent calls: MongoDB
   * (4.2+) retries an upsert that loses the race on that key, so it finds the winner's block instead.
   */
  async block(blocker: string, blocked: string): Promise<{ created: boolean; createdAt: Date }> {
    const key = { blocker: new Types.ObjectId(blocker), blocked: new Types.ObjectId(blocked) };
    const result = await this.blocks
      .findOneAndUpdate(key, { $setOnInsert: key }, { upsert: true, includeResultMetadata: true, lean: true })
      .exec();
    const created = !result.lastErrorObject?.updatedExisting;
    if (created) this.logger.log(`user ${blocker} blocked ${blocked}`);
    // The document as it was before: none when this call inserted it.
    const stored = result.value ?? (await this.blocks.findOne(key, { createdAt: 1 }).lean().exec());
    return { created, createdAt: stored?.createdAt ?? new Date() };
  }

  /** Idempotent: true when a block was removed. */
  async unblock(blocker: string, blocked: string): Promise<boolean> {
    const result = await this.blocks.deleteOne({ blocker, blocked }).exec();
    if (result.deletedCount > 0) this.logger.log(`user ${blocker} unblocked ${blocked}`);
    return result.deletedCount > 0;
  }

  /** Seen from `me`: whether I blocked them, they blocked me (a block of mine wins when both exist), or neither. */
  async direction(me: string, other: string): Promise<BlockDirection> {
    if (!Types.ObjectId.isValid(me) || !Types.ObjectId.isValid(other)) return 'none';
    const found = await this.blocks
      .find(
        {
          $or: [
            { blocker: me, blocked: other },
            { blocker: other, blocked: me },
          ],
        },
        { blocker: 1 },
      )
      .lean()
      .exec();
    if (found.some((b) => b.blocker.toString() === me)) return 'i-blocked';
    return found.length > 0 ? 'blocked-me' : 'none';
  }

  /** Everyone I blocked or who blocked me: recommendations leave them out both ways. */
  async idsBlockedEitherWay(me: string): Promise<Types.ObjectId[]> {
    const found = await this.blocks
      .find({ $or: [{ blocker: me }, { blocked: me }] }, { blocker: 1, blocked: 1 })
      .lean()
      .exec();
    return found.map((b) => (b.blocker.toString() === me ? b.blocked : b.blocker));
  }

  /** The users I blocked, newest block first. Who blocked me is never shown. */
  async listMine(me: string): Promise<BlockedUser[]> {
    const docs = await this.blocks
      .find({ blocker: me }, { blocked: 1, createdAt: 1 })
      .sort({ createdAt: -1, _id: -1 })
      .populate({ path: 'blocked', select: BLOCKED_USER_FIELDS })
      .lean<BlockRecord[]>()
      .exec();
    return docs.map(toBlockedUser).filter((b): b is BlockedUser => b !== null);
  }

  /** Account deletion: every block the user made or received. */
  async deleteAllInvolving(userId: string): Promise<number> {
    const result = await this.blocks.deleteMany({ $or: [{ blocker: userId }, { blocked: userId }] }).exec();
    return result.deletedCount;
  }
}
