import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCookieAuth,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentUser } from '../identity/current-user.decorator';
import { JwtAuthGuard } from '../identity/jwt-auth.guard';
import { PageQueryDto } from './dto/page-query.dto';
import { FriendRequestsOverview, OutgoingFriendRequest } from './friend-request.view';
import { FriendRequestsService } from './friend-requests.service';
import { FriendCard } from './friend.view';
import { withNextLink } from '../common/next-link';
import { PublicProfile } from './user.view';
import type { Principal } from '../identity/principal';
import { FriendsService } from './friends.service';
import { RecommendationsService } from './recommendations.service';

const NEXT_PAGE = 'The next page, if any, is in the `Link: <...>; rel="next"` header.';

/** The social graph's reads; its writes are in accounts/friendships.controller.ts (they notify through Stream). */
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
}
