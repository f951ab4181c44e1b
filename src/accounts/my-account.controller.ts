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
import { SkipThrottle } from '@nestjs/throttler';
import type { Response } from 'express';
import { clearAuthCookie } from '../identity/auth-cookie';
import { AuthThrottlerGuard } from '../identity/auth-throttler.guard';
import { CurrentUser } from '../identity/current-user.decorator';
import { JwtAuthGuard } from '../identity/jwt-auth.guard';
import { authConfig } from '../config/configuration';
import type { Principal } from '../identity/principal';
import { AccountDeletionService } from './account-deletion.service';
import { DeleteAccountDto } from './dto/delete-account.dto';

/** Deletion asks for the password: an account that signs in with a provider gets one by the reset flow first. */
const NO_PASSWORD_TO_DELETE =
  'This account has no password yet (it signs in with a provider): set one with the password reset flow ' +
  '(POST /api/auth/password/forgot), then delete the account with it';

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
  @SkipThrottle({ signup: true, 'password-reset': true })
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
    if (outcome === 'no-password') throw new ConflictException(NO_PASSWORD_TO_DELETE);
    if (outcome === 'stream-unavailable')
      throw new ServiceUnavailableException(
        'Account deletion is unavailable right now; please try again later',
      );
    if (outcome === 'incomplete')
      throw new InternalServerErrorException('Account deletion did not complete; please try again');
    clearAuthCookie(res, this.config);
  }
}
