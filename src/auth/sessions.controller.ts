import {
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  NotFoundException,
  Param,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import {
  ApiCookieAuth,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { authConfig } from '../config/configuration';
import { clearAuthCookie } from '../identity/auth-cookie';
import { CurrentUser } from '../identity/current-user.decorator';
import { SessionListResponse } from './dto/user-response.dto';
import { JwtAuthGuard } from '../identity/jwt-auth.guard';
import type { Principal } from '../identity/principal';
import { SessionsService } from '../identity/sessions.service';

/** The signed-in user's sessions (devices): list them, end one. */
@ApiTags('auth')
@ApiCookieAuth()
@ApiUnauthorizedResponse()
@UseGuards(JwtAuthGuard)
@Controller('auth/sessions')
export class SessionsController {
  constructor(
    private readonly sessions: SessionsService,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
  ) {}

  @Get()
  @ApiOkResponse({ type: SessionListResponse, description: 'Mine, newest first; `current` marks this one' })
  async list(@CurrentUser() me: Principal): Promise<SessionListResponse> {
    return { sessions: await this.sessions.list(me.id, me.sessionId) };
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Session ended (ending this one also clears the jwt cookie)' })
  @ApiNotFoundResponse({ description: 'No such session of mine' })
  async end(
    @CurrentUser() me: Principal,
    @Param('id') id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    if (!(await this.sessions.end(me.id, id))) throw new NotFoundException('Session not found');
    if (id === me.sessionId) clearAuthCookie(res, this.config);
  }
}
