import { Controller, Get, Header, HttpCode, HttpStatus, Param, Post, Res, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser } from '../identity/current-user.decorator';
import { JwtAuthGuard } from '../identity/jwt-auth.guard';
import { ParseObjectIdPipe } from '../common/parse-object-id.pipe';
import { VerifiedEmailGuard } from '../users/verified-email.guard';
import type { Principal } from '../identity/principal';
import { ChatService } from './chat.service';
import { ChatTokenResponse, DirectChannelResponse, RevokeTokensResponse } from './dto/chat-token.response';

// `chat` is the path the seed's original frontend calls; `chats` is the documented one.
@ApiTags('chat')
@ApiCookieAuth()
@ApiUnauthorizedResponse({ description: 'Unauthorized: No token provided' })
@UseGuards(JwtAuthGuard)
@Controller(['chats', 'chat'])
export class ChatController {
  constructor(private readonly chat: ChatService) {}

  @Get('token')
  @Header('Cache-Control', 'no-store')
  @UseGuards(VerifiedEmailGuard)
  @ApiOkResponse({ type: ChatTokenResponse })
  @ApiForbiddenResponse({ description: 'My email address is not verified (REQUIRE_VERIFIED_EMAIL)' })
  token(@CurrentUser() me: Principal): Promise<ChatTokenResponse> {
    return this.chat.issueToken(me);
  }

  @Post('token/revoke')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: RevokeTokensResponse, description: 'Log out of chat on all devices' })
  @ApiServiceUnavailableResponse()
  revoke(@CurrentUser() me: Principal): Promise<RevokeTokensResponse> {
    return this.chat.revokeTokens(me);
  }

  @Post('channels/direct/:userId')
  @ApiCreatedResponse({ type: DirectChannelResponse, description: 'Channel created' })
  @ApiOkResponse({ type: DirectChannelResponse, description: 'Channel already existed' })
  @ApiBadRequestResponse({ description: 'Malformed id, or yourself' })
  @ApiForbiddenResponse({
    description: 'Not friends, or my email address is not verified (REQUIRE_VERIFIED_EMAIL)',
  })
  @UseGuards(VerifiedEmailGuard)
  @ApiNotFoundResponse()
  @ApiServiceUnavailableResponse()
  async directChannel(
    @CurrentUser() me: Principal,
    @Param('userId', ParseObjectIdPipe) userId: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<DirectChannelResponse> {
    const { created, ...channel } = await this.chat.directChannel(me, userId);
    res.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return channel;
  }
}
