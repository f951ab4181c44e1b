import {
  BadGatewayException,
  BadRequestException,
  ForbiddenException,
  Injectable,
  NotFoundException,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service';
import { StreamSyncService } from '../accounts/stream-sync.service';
import type { Principal } from '../identity/principal';
import { StreamError } from '../stream/stream.errors';
import { StreamService } from '../stream/stream.service';
import { BlocksService } from '../users/blocks.service';
import { FriendsService } from '../users/friends.service';
import { UsersService } from '../users/users.service';
import { ChatTokenResponse, DirectChannelResponse, RevokeTokensResponse } from './dto/chat-token.response';

/** The seed's frontend names 1:1 channels by the two user ids, sorted and joined with '-'. */
export const directChannelId = (a: string, b: string): string => [a, b].sort().join('-');

/** A Stream failure seen by an API client: retry later (503), or Stream refused the request (502). */
const toHttpError = (error: unknown): Error => {
  if (!(error instanceof StreamError)) return error as Error;
  return error.retryable
    ? new ServiceUnavailableException('Chat service temporarily unavailable, please retry')
    : new BadGatewayException('Chat service refused the request');
};

@Injectable()
export class ChatService {
  constructor(
    private readonly stream: StreamService,
    private readonly users: UsersService,
    private readonly friends: FriendsService,
    private readonly sync: StreamSyncService,
    private readonly blocks: BlocksService,
    private readonly accounts: AccountsService,
  ) {}

  /**
   * The hot path: no database work beyond cached lookups (the guard's session, the user's token cut-off and ban),
   * one HMAC signature. A banned user gets none. The token expires with the session that asked for it (sooner if STREAM_TOKEN_TTL_SECONDS
   * caps it).
   */
  async issueToken(me: Principal): Promise<ChatTokenResponse> {
    const access = await this.users.findChatAccess(me.id);
    if (access === null) throw new UnauthorizedException('Unauthorized: User not found');
    if (access.bannedUntil > Date.now()) throw new ForbiddenException('Account suspended');
    const { token, expiresAt } = this.stream.createUserToken(me.id, me.sessionExpiresAt, access.cutOff);
    return { token, apiKey: this.stream.apiKey, userId: me.id, expiresAt: expiresAt.toISOString() };
  }

  /**
   * Through the Stream mirror, like every other revocation: stored here first (new tokens start after it at once),
   * then pushed; if Stream is down the worker delivers it, so only a failure to store it is an error (503).
   */
  async revokeTokens(me: Principal): Promise<RevokeTokensResponse> {
    const cutOff = await this.accounts.revokeChatTokens(me.id);
    return { success: true, revokedBefore: new Date(cutOff * 1000).toISOString() };
  }

  /** Opens (or returns) the 1:1 channel with a friend; `created` tells the controller 201 from 200. */
  async directChannel(me: Principal, otherId: string): Promise<DirectChannelResponse & { created: boolean }> {
    if (otherId === me.id) throw new BadRequestException('Cannot open a direct channel with yourself');
    // Friends exist by definition: only a refusal needs the second query, to tell 404 from 403.
    if (!(await this.friends.areFriends(me.id, otherId))) {
      if (!(await this.users.exists(otherId))) throw new NotFoundException('User not found');
      throw new ForbiddenException('You can only chat with your friends');
    }
    // A block ends the friendship; this catches a friendship re-formed by a request racing the block.
    if ((await this.blocks.direction(me.id, otherId)) !== 'none')
      throw new ForbiddenException('You can only chat with your friends');
    try {
      // Stream refuses a channel whose members it does not know (error 4): push any pending sync first.
      await this.sync.ensureInStream([me.id, otherId]);
      const channel = await this.stream.ensureChannel(
        'messaging',
        directChannelId(me.id, otherId),
        [me.id, otherId],
        me.id,
      );
      return {
        type: channel.type,
        id: channel.id,
        cid: channel.cid,
        members: channel.members,
        created: channel.created,
      };
    } catch (error) {
      throw toHttpError(error);
    }
  }
}
