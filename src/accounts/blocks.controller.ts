import { Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Res, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiParam,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser } from '../identity/current-user.decorator';
import { JwtAuthGuard } from '../identity/jwt-auth.guard';
import { ParseObjectIdPipe } from '../common/parse-object-id.pipe';
import { BlockedUser } from '../users/block.view';
import type { Principal } from '../identity/principal';
import { BlockingService } from './blocking.service';
import { BlockResponse } from './dto/block.response';

@ApiTags('users')
@ApiCookieAuth()
@ApiUnauthorizedResponse({ description: 'No or invalid jwt cookie' })
@Controller('users/blocks')
@UseGuards(JwtAuthGuard)
export class BlocksController {
  constructor(private readonly blocking: BlockingService) {}

  @Get()
  @ApiOkResponse({ type: [BlockedUser], description: 'The users I blocked, newest first' })
  list(@CurrentUser() me: Principal): Promise<BlockedUser[]> {
    return this.blocking.list(me.id);
  }

  @Post(':id')
  @ApiParam({ name: 'id', description: 'The user to block' })
  @ApiCreatedResponse({
    type: BlockResponse,
    description:
      'Blocked (200 when already blocked). Pending friend requests either way are withdrawn, a friendship ends; ' +
      'neither sees the other in recommendations, they cannot send me a request (404) or open a direct channel, ' +
      'and Stream stops delivering their 1-on-1 messages to me',
  })
  @ApiBadRequestResponse({ description: 'Malformed id, or yourself' })
  @ApiNotFoundResponse({ description: 'No such user' })
  @ApiServiceUnavailableResponse({ description: 'Stream unavailable: blocked in the app, retry for chat' })
  async block(
    @CurrentUser() me: Principal,
    @Param('id', ParseObjectIdPipe) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<BlockResponse> {
    const { created, blockedAt } = await this.blocking.block(me.id, id);
    res.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return { blockedUserId: id, blockedAt };
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiParam({ name: 'id', description: 'The user to unblock' })
  @ApiNoContentResponse({ description: 'Not blocked (any more); friendship and requests are not restored' })
  @ApiBadRequestResponse({ description: 'Malformed id, or yourself' })
  @ApiServiceUnavailableResponse({ description: 'Stream unavailable: unblocked in the app, retry for chat' })
  unblock(@CurrentUser() me: Principal, @Param('id', ParseObjectIdPipe) id: string): Promise<void> {
    return this.blocking.unblock(me.id, id);
  }
}
