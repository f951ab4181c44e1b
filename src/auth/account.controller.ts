import { Body, Controller, Delete, HttpCode, HttpStatus, Inject, Res, UseGuards } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import {
  ApiBadRequestResponse,
  ApiCookieAuth,
  ApiNoContentResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Response } from 'express';
import { authConfig } from '../config/configuration';
import { UserDeletionService } from '../users/user-deletion.service';
import type { SessionUser } from '../users/users.service';
import { clearAuthCookie } from './auth-cookie';
import { AuthThrottlerGuard } from './auth-throttler.guard';
import { AuthService } from './auth.service';
import { CurrentUser } from './current-user.decorator';
import { DeleteAccountDto } from './dto/delete-account.dto';
import { JwtAuthGuard } from './jwt-auth.guard';

/** The signed-in user's own account. Lives in AuthModule: it needs the password check (UsersModule cannot). */
@ApiTags('users')
@Controller('users')
export class AccountController {
  constructor(
    private readonly auth: AuthService,
    private readonly deletion: UserDeletionService,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
  ) {}

  @Delete('me')
  @HttpCode(HttpStatus.NO_CONTENT)
  // A password guess costs a bcrypt compare, like a login: it shares the login limit.
  @UseGuards(JwtAuthGuard, AuthThrottlerGuard)
  @SkipThrottle({ signup: true })
  @ApiCookieAuth()
  @ApiNoContentResponse({
    description:
      'Account deleted everywhere (Stream user, messages and conversations hard-deleted; friend requests and ' +
      'friendships removed); clears the jwt cookie',
  })
  @ApiBadRequestResponse({ description: 'Password missing' })
  @ApiUnauthorizedResponse({ description: 'Not signed in, or wrong password' })
  @ApiTooManyRequestsResponse()
  @ApiServiceUnavailableResponse({ description: 'Stream unavailable: nothing was deleted, try again later' })
  async deleteMe(
    @CurrentUser() me: SessionUser,
    @Body() dto: DeleteAccountDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    await this.auth.verifyPassword(me.id, dto.password);
    await this.deletion.deleteAccount(me.id);
    clearAuthCookie(res, this.config);
  }
}
