import {
  Body,
  Controller,
  Headers,
  HttpCode,
  HttpStatus,
  Inject,
  Post,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { PublicKeyCredentialRequestOptionsJSON } from '../passkeys/webauthn.service';
import type { Response } from 'express';
import { authConfig } from '../config/configuration';
import { setAuthCookie } from '../identity/auth-cookie';
import { AuthThrottlerGuard } from '../identity/auth-throttler.guard';
import { ThrottledAs } from '../identity/throttled-as.decorator';
import { CeremonyOptions } from '../identity/ceremony-options.decorator';
import { PasskeySignInDto } from './dto/passkey.dto';
import { PasskeySignInResponse } from './dto/passkeys.response';
import { PasskeySignInService } from './passkey-sign-in.service';

/** Sign-in with a passkey, no password: options, then the browser's assertion. */
@ApiTags('auth')
@Controller('auth/passkeys/authentication')
export class PasskeySignInController {
  constructor(
    private readonly signIn: PasskeySignInService,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
  ) {}

  @Post('options')
  @CeremonyOptions(
    'PublicKeyCredentialRequestOptionsJSON for navigator.credentials.get() (or @simplewebauthn/browser ' +
      'startAuthentication): no user named, user verification required; its challenge works once, for ' +
      'WEBAUTHN_CHALLENGE_TTL_SECONDS',
  )
  options(): Promise<PublicKeyCredentialRequestOptionsJSON> {
    return this.signIn.options();
  }

  @Post()
  @HttpCode(HttpStatus.OK)
  // A sign-in attempt: counted with password logins.
  @UseGuards(AuthThrottlerGuard)
  @ThrottledAs('login')
  @ApiOkResponse({
    type: PasskeySignInResponse,
    description: 'Signed in (a new session); sets the jwt cookie',
  })
  @ApiBadRequestResponse({ description: 'Not shaped like an assertion (PublicKeyCredential JSON)' })
  @ApiUnauthorizedResponse({
    description:
      'Refused: a passkey not registered here, a challenge expired or used, another origin or RP id, the user ' +
      'not verified, a bad signature or a signature counter that went backwards',
  })
  @ApiForbiddenResponse({
    description: 'Account suspended, or (REQUIRE_VERIFIED_EMAIL=login) email not verified',
  })
  @ApiTooManyRequestsResponse()
  async authenticate(
    @Body() dto: PasskeySignInDto,
    @Headers('user-agent') userAgent: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PasskeySignInResponse> {
    const { user, token } = await this.signIn.signIn(dto.credential, userAgent);
    setAuthCookie(res, token, this.config);
    return { success: true, user };
  }
}
