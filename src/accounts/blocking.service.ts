import {
  BadRequestException,
  Injectable,
  Logger,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { StreamError } from '../stream/stream.errors';
import { StreamService } from '../stream/stream.service';
import { BlockedUser } from '../users/block.view';
import { BlocksService } from '../users/blocks.service';
import { FriendRequestsService } from '../users/friend-requests.service';
import { UsersService } from '../users/users.service';
import { SocialNotifier } from './social-notifier.service';
import { StreamSyncService } from './stream-sync.service';

export interface BlockOutcome {
  /** False when the block already existed (the call changed nothing). */
  created: boolean;
  blockedAt: Date;
}

/**
 * A block, everywhere it matters. In the app first: the block is stored (the unique index makes concurrent blocks
 * one), then pending requests either way are withdrawn and a friendship ends; from then on a request or the
 * direct channel between the two is refused (FriendRequestsService, ChatService). Then in Stream, with Stream's own
 * user block, so the blocked user's 1-on-1 messages stop reaching the blocker. Every step is idempotent: when
 * Stream is unavailable the app block already holds and repeating the request applies the rest.
 */
@Injectable()
export class BlockingService {
  private readonly logger = new Logger(BlockingService.name);

  constructor(
    private readonly users: UsersService,
    private readonly blocks: BlocksService,
    private readonly requests: FriendRequestsService,
    private readonly sync: StreamSyncService,
    private readonly stream: StreamService,
    private readonly notifier: SocialNotifier,
  ) {}

  async block(me: string, other: string): Promise<BlockOutcome> {
    if (me === other) throw new BadRequestException("You can't block yourself");
    if (!(await this.users.exists(other))) throw new NotFoundException('User not found');
    const { created, createdAt } = await this.blocks.block(me, other);
    const requestsRemoved = await this.requests.endRelationship(me, other);
    if (requestsRemoved > 0)
      this.logger.log(`block ${me} -> ${other}: ${requestsRemoved} request(s) removed`);
    // My other devices learn of a new block; the blocked user is never told.
    if (created) this.notifier.notify(me, 'user_blocked', other, { blockedAt: createdAt });
    await this.inStream('blockUser', async () => {
      // Stream refuses to block a user it does not know: push any profile still waiting for the sync worker.
      await this.sync.ensureInStream([me, other]);
      await this.stream.blockUser(me, other);
    });
    return { created, blockedAt: createdAt };
  }

  /** Idempotent: unblocking someone not blocked succeeds (and still lifts any Stream block left behind). */
  async unblock(me: string, other: string): Promise<void> {
    if (me === other) throw new BadRequestException("You can't unblock yourself");
    await this.blocks.unblock(me, other);
    await this.inStream('unblockUser', () => this.stream.unblockUser(me, other));
  }

  list(me: string): Promise<BlockedUser[]> {
    return this.blocks.listMine(me);
  }

  /**
   * A transient Stream failure is a 503 (the app side is done; the same request again finishes the job). A
   * refusal (say, a user Stream never had) leaves nothing to block there: logged, not an error for the user.
   */
  private async inStream(operation: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (error) {
      if (!(error instanceof StreamError)) throw error;
      if (error.retryable) {
        this.logger.warn(`${operation}: ${error.message} (app side applied; the client may retry)`);
        throw new ServiceUnavailableException(
          'Chat service temporarily unavailable: the block holds in the app, retry to apply it in chat',
        );
      }
      this.logger.warn(`${operation}: Stream refused (${error.message}); the app side stands`);
    }
  }
}
