import {
  Body,
  ConflictException,
  Controller,
  Delete,
  HttpCode,
  HttpStatus,
  Inject,
  InternalServerErrorException,
  Res,
  ServiceUnavailableException,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCookieAuth,
  ApiNoContentResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { clearAuthCookie } from '../identity/auth-cookie';
import { AuthThrottlerGuard } from '../identity/auth-throttler.guard';
import { ThrottledAs } from '../identity/throttled-as.decorator';
import { CurrentUser } from '../identity/current-user.decorator';
import { JwtAuthGuard } from '../identity/jwt-auth.guard';
import { authConfig } from '../config/configuration';
import type { Principal } from '../identity/principal';
import { AccountDeletionService } from './account-deletion.service';
import { DeleteAccountDto } from './dto/delete-account.dto';
import { NO_PASSWORD_YET } from '../users/users.service';

/** The signed-in user's own account, everywhere it exists (the profile itself is under /api/auth). */
@ApiTags('users')
@Controller('users/me')
export class MyAccountController {
  constructor(
    private readonly deletion: AccountDeletionService,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
  ) {}

  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  // A password guess costs a bcrypt compare, like a login: it shares the login limit.
  @UseGuards(JwtAuthGuard, AuthThrottlerGuard)
  @ThrottledAs('login')
  @ApiCookieAuth()
  @ApiNoContentResponse({
    description:
      'Account deleted everywhere (Stream user, messages and conversations hard-deleted; friend requests and ' +
      'friendships removed); clears the jwt cookie',
  })
  @ApiBadRequestResponse({ description: 'Password missing' })
  @ApiUnauthorizedResponse({ description: 'Not signed in, or wrong password' })
  @ApiConflictResponse({ description: 'The account has no password yet (it signs in with a provider)' })
  @ApiTooManyRequestsResponse()
  @ApiServiceUnavailableResponse({ description: 'Stream unavailable: nothing was deleted, try again later' })
  async deleteMyAccount(
    @CurrentUser() me: Principal,
    @Body() dto: DeleteAccountDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    const outcome = await this.deletion.deleteMyAccount(me.id, dto.password);
    if (outcome === 'wrong-password') throw new UnauthorizedException('Invalid password');
    if (outcome === 'no-password')
      throw new ConflictException(`${NO_PASSWORD_YET}, then delete the account with it`);
    if (outcome === 'stream-unavailable')
      throw new ServiceUnavailableException(
        'Account deletion is unavailable right now; please try again later',
      );
    if (outcome === 'incomplete')
      throw new InternalServerErrorException('Account deletion did not complete; please try again');
    clearAuthCookie(res, this.config);
  }
}
