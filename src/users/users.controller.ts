import {
  applyDecorators,
  Controller,
  Delete,
  Get,
  Param,
  Post,
  Put,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
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
import type { Request, Response } from 'express';
import { CurrentUser } from '../identity/current-user.decorator';
import { JwtAuthGuard } from '../identity/jwt-auth.guard';
import { ParseObjectIdPipe } from '../common/parse-object-id.pipe';
import { PageQueryDto } from './dto/page-query.dto';
import {
  FriendRequestsOverview,
  FriendRequestView,
  MessageResponse,
  OutgoingFriendRequest,
} from './friend-request.view';
import { FriendRequestsService } from './friend-requests.service';
import { FriendCard } from './friend.view';
import { withNextLink } from './next-link';
import { PublicProfile } from './user.view';
import type { Principal } from '../identity/principal';
import { FriendsService } from './friends.service';
import { RecommendationsService } from './recommendations.service';
import { VerifiedEmailGuard } from './verified-email.guard';

const NEXT_PAGE = 'The next page, if any, is in the `Link: <...>; rel="next"` header.';

/** The OpenAPI description shared by accept, reject and withdraw: `:id` is a request id, not a user id. */
const ApiRequestAction = (allowed: 'recipient' | 'sender') =>
  applyDecorators(
    ApiParam({ name: 'id', description: 'The friend request id' }),
    ApiOkResponse({ type: MessageResponse }),
    ApiBadRequestResponse({ description: 'Malformed id' }),
    ApiForbiddenResponse({ description: `Not the ${allowed}` }),
    ApiNotFoundResponse({ description: 'No such request' }),
    ApiConflictResponse({ description: 'Not pending' }),
  );

@ApiTags('users')
@ApiCookieAuth()
@ApiUnauthorizedResponse({ description: 'No or invalid jwt cookie' })
@Controller('users')
@UseGuards(JwtAuthGuard)
export class UsersController {
  constructor(
    private readonly recommendations: RecommendationsService,
    private readonly friendships: FriendsService,
    private readonly requests: FriendRequestsService,
  ) {}

  @Get()
  @ApiOkResponse({
    type: [PublicProfile],
    description: `Recommended partners, best language match first, newest first within a match tier. ${NEXT_PAGE}`,
  })
  @ApiBadRequestResponse({ description: 'Bad limit or cursor' })
  async recommended(
    @CurrentUser() user: Principal,
    @Query() query: PageQueryDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PublicProfile[]> {
    return withNextLink(req, res, await this.recommendations.recommend(user.id, query));
  }

  @Get('friends')
  @ApiOkResponse({ type: [FriendCard], description: NEXT_PAGE })
  @ApiBadRequestResponse({ description: 'Bad limit or cursor' })
  async friends(
    @CurrentUser() user: Principal,
    @Query() query: PageQueryDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<FriendCard[]> {
    return withNextLink(req, res, await this.friendships.findFriends(user.id, query));
  }

  @Delete('friends/:id')
  @ApiParam({ name: 'id', description: 'The friend (user id)' })
  @ApiOkResponse({ type: MessageResponse })
  @ApiBadRequestResponse({ description: 'Malformed id, or yourself' })
  @ApiNotFoundResponse({ description: 'Not your friend' })
  async unfriend(
    @CurrentUser() user: Principal,
    @Param('id', ParseObjectIdPipe) id: string,
  ): Promise<MessageResponse> {
    await this.requests.unfriend(user.id, id);
    return { message: 'Friend removed' };
  }

  @Get('friend-requests')
  @ApiOkResponse({
    type: FriendRequestsOverview,
    description: `Both lists newest first, each at most \`limit\` long. ${NEXT_PAGE}`,
  })
  @ApiBadRequestResponse({ description: 'Bad limit or cursor' })
  async friendRequests(
    @CurrentUser() user: Principal,
    @Query() query: PageQueryDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<FriendRequestsOverview> {
    return withNextLink(req, res, await this.requests.overview(user.id, query));
  }

  @Get('outgoing-friend-requests')
  @ApiOkResponse({ type: [OutgoingFriendRequest], description: `Newest first. ${NEXT_PAGE}` })
  @ApiBadRequestResponse({ description: 'Bad limit or cursor' })
  async outgoing(
    @CurrentUser() user: Principal,
    @Query() query: PageQueryDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<OutgoingFriendRequest[]> {
    return withNextLink(req, res, await this.requests.outgoing(user.id, query));
  }

  @Post('friend-request/:id')
  @ApiParam({ name: 'id', description: 'The recipient (user id)' })
  @ApiCreatedResponse({ type: FriendRequestView })
  @ApiBadRequestResponse({ description: 'Malformed id, or yourself' })
  @ApiNotFoundResponse({ description: 'No such user' })
  @ApiConflictResponse({ description: 'Already friends, or a pending request exists in either direction' })
  @ApiForbiddenResponse({ description: 'My email address is not verified (REQUIRE_VERIFIED_EMAIL)' })
  @UseGuards(VerifiedEmailGuard)
  send(
    @CurrentUser() user: Principal,
    @Param('id', ParseObjectIdPipe) id: string,
  ): Promise<FriendRequestView> {
    return this.requests.send(user.id, id);
  }

  @Put('friend-request/:id/accept')
  @ApiRequestAction('recipient')
  async accept(
    @CurrentUser() user: Principal,
    @Param('id', ParseObjectIdPipe) id: string,
  ): Promise<MessageResponse> {
    await this.requests.accept(id, user.id);
    return { message: 'Friend request accepted' };
  }

  @Put('friend-request/:id/reject')
  @ApiRequestAction('recipient')
  async reject(
    @CurrentUser() user: Principal,
    @Param('id', ParseObjectIdPipe) id: string,
  ): Promise<MessageResponse> {
    await this.requests.reject(id, user.id);
    return { message: 'Friend request rejected' };
  }

  @Delete('friend-request/:id')
  @ApiRequestAction('sender')
  async withdraw(
    @CurrentUser() user: Principal,
    @Param('id', ParseObjectIdPipe) id: string,
  ): Promise<MessageResponse> {
    await this.requests.withdraw(id, user.id);
    return { message: 'Friend request withdrawn' };
  }
}
