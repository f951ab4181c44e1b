import { applyDecorators, Controller, Delete, Param, Post, Put, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ParseObjectIdPipe } from '../common/parse-object-id.pipe';
import { CurrentUser } from '../identity/current-user.decorator';
import { JwtAuthGuard } from '../identity/jwt-auth.guard';
import type { Principal } from '../identity/principal';
import { FriendRequestView, FriendRequestMessage } from '../users/friend-request.view';
import { VerifiedEmailGuard } from '../users/verified-email.guard';
import { FriendshipsService } from './friendships.service';

/** The OpenAPI description shared by accept, reject and withdraw: `:id` is a request id, not a user id. */
const ApiRequestAction = (allowed: 'recipient' | 'sender') =>
  applyDecorators(
    ApiParam({ name: 'id', description: 'The friend request id' }),
    ApiOkResponse({ type: FriendRequestMessage }),
    ApiBadRequestResponse({ description: 'Malformed id' }),
    ApiForbiddenResponse({ description: `Not the ${allowed}` }),
    ApiNotFoundResponse({ description: 'No such request' }),
    ApiConflictResponse({ description: 'Not pending' }),
  );

/**
 * Friend requests and friendship: the writes of the social graph (its reads are users/users.controller.ts).
 * Each notifies the other user's connected clients through Stream (docs/api.md, live notifications).
 */
@ApiTags('users')
@ApiCookieAuth()
@ApiUnauthorizedResponse({ description: 'No or invalid jwt cookie' })
@Controller('users')
@UseGuards(JwtAuthGuard)
export class FriendshipsController {
  constructor(private readonly friendships: FriendshipsService) {}

  @Delete('friends/:id')
  @ApiParam({ name: 'id', description: 'The friend (user id)' })
  @ApiOkResponse({
    type: FriendRequestMessage,
    description: 'Unfriended both ways; they get `friend_removed`',
  })
  @ApiBadRequestResponse({ description: 'Malformed id, or yourself' })
  @ApiNotFoundResponse({ description: 'Not your friend' })
  async unfriend(
    @CurrentUser() user: Principal,
    @Param('id', ParseObjectIdPipe) id: string,
  ): Promise<FriendRequestMessage> {
    await this.friendships.unfriend(user.id, id);
    return { message: 'Friend removed' };
  }

  @Post('friend-request/:id')
  @ApiParam({ name: 'id', description: 'The recipient (user id)' })
  @ApiCreatedResponse({ type: FriendRequestView, description: 'Sent; they get `friend_request_received`' })
  @ApiBadRequestResponse({ description: 'Malformed id, or yourself' })
  @ApiNotFoundResponse({ description: 'No such user' })
  @ApiConflictResponse({ description: 'Already friends, or a pending request exists in either direction' })
  @ApiForbiddenResponse({ description: 'My email address is not verified (REQUIRE_VERIFIED_EMAIL)' })
  @UseGuards(VerifiedEmailGuard)
  send(
    @CurrentUser() user: Principal,
    @Param('id', ParseObjectIdPipe) id: string,
  ): Promise<FriendRequestView> {
    return this.friendships.sendRequest(user.id, id);
  }

  @Put('friend-request/:id/accept')
  @ApiRequestAction('recipient')
  async accept(
    @CurrentUser() user: Principal,
    @Param('id', ParseObjectIdPipe) id: string,
  ): Promise<FriendRequestMessage> {
    await this.friendships.accept(id, user.id);
    return { message: 'Friend request accepted' };
  }

  @Put('friend-request/:id/reject')
  @ApiRequestAction('recipient')
  async reject(
    @CurrentUser() user: Principal,
    @Param('id', ParseObjectIdPipe) id: string,
  ): Promise<FriendRequestMessage> {
    await this.friendships.reject(id, user.id);
    return { message: 'Friend request rejected' };
  }

  @Delete('friend-request/:id')
  @ApiRequestAction('sender')
  async withdraw(
    @CurrentUser() user: Principal,
    @Param('id', ParseObjectIdPipe) id: string,
  ): Promise<FriendRequestMessage> {
    await this.friendships.withdraw(id, user.id);
    return { message: 'Friend request withdrawn' };
  }
}
