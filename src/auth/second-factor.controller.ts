import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Inject,
  Post,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { SecondFactorProofDto } from '../accounts/dto/second-factor-proof.dto';
import { authConfig, mfaConfig } from '../config/configuration';
import { clearPendingSignInCookie, pendingSignInTokenOf, setAuthCookie } from '../identity/auth-cookie';
import { AuthThrottlerGuard } from '../identity/auth-throttler.guard';
import { CeremonyOptions } from '../identity/ceremony-options.decorator';
import { CurrentUser } from '../identity/current-user.decorator';
import { JwtAuthGuard } from '../identity/jwt-auth.guard';
import type { Principal } from '../identity/principal';
import type { PublicKeyCredentialRequestOptionsJSON } from '../passkeys/webauthn.service';
import { ThrottledAs } from '../identity/throttled-as.decorator';
import { TotpCodeDto } from './dto/second-factor.dto';
import {
  RecoveryCodesResponse,
  SecondFactorListResponse,
  TotpEnrollmentResponse,
} from './dto/second-factor.response';
import { MessageResponse, UserResponse } from './dto/user-response.dto';
import { SecondFactorService } from './second-factor.service';

/** Second factors (docs/api.md, "Second factors"): TOTP, recovery codes, and the challenge that finishes a sign-in. */
@ApiTags('auth')
@Controller('auth/mfa')
export class SecondFactorController {
  constructor(
    private readonly mfa: SecondFactorService,
    @Inject(authConfig.KEY) private readonly auth: ConfigType<typeof authConfig>,
    @Inject(mfaConfig.KEY) private readonly config: ConfigType<typeof mfaConfig>,
  ) {}

  @Get()
  @UseGuards(JwtAuthGuard)
  @ApiCookieAuth()
  @ApiOkResponse({
    type: SecondFactorListResponse,
    description: 'My active second factors: never a secret or code',
  })
  @ApiUnauthorizedResponse()
  async list(@CurrentUser() me: Principal): Promise<SecondFactorListResponse> {
    return { factors: await this.mfa.listMine(me) };
  }

  @Post('totp')
  @UseGuards(JwtAuthGuard)
  @ApiCookieAuth()
  @ApiCreatedResponse({ type: TotpEnrollmentResponse, description: 'Enrolled, not active until verified' })
  @ApiConflictResponse({ description: 'An authenticator app is already active' })
  @ApiUnauthorizedResponse()
  async enrollTotp(@CurrentUser() me: Principal): Promise<TotpEnrollmentResponse> {
    return { success: true, ...(await this.mfa.enrollTotp(me)) };
  }

  @Post('totp/verify')
  @HttpCode(HttpStatus.OK)
  @UseGuards(JwtAuthGuard)
  @ApiCookieAuth()
  @ApiOkResponse({
    type: RecoveryCodesResponse,
    description:
      'Active: this session is aal2, my other sessions and chat tokens ended; the recovery codes, once',
  })
  @ApiBadRequestResponse()
  @ApiUnauthorizedResponse({ description: 'Invalid code (or no enrolled authenticator app)' })
  @ApiTooManyRequestsResponse({ description: 'Too many wrong codes for this account' })
  async verifyTotp(@CurrentUser() me: Principal, @Body() dto: TotpCodeDto): Promise<RecoveryCodesResponse> {
    return { success: true, recoveryCodes: await this.mfa.activateTotp(me, dto.code) };
  }

  @Delete('totp')
  @UseGuards(JwtAuthGuard)
  @ApiCookieAuth()
  @ApiOkResponse({ type: MessageResponse, description: 'TOTP and the recovery codes removed' })
  @ApiBadRequestResponse()
  @ApiUnauthorizedResponse({ description: 'Invalid code' })
  @ApiTooManyRequestsResponse({ description: 'Too many wrong codes for this account' })
  async removeTotp(
    @CurrentUser() me: Principal,
    @Body() dto: SecondFactorProofDto,
  ): Promise<MessageResponse> {
    await this.mfa.removeTotp(me, dto);
    return { success: true, message: 'Authenticator app and recovery codes removed' };
  }

  @Post('recovery-codes')
  @HttpCode(HttpStatus.OK)
  @UseGuards(JwtAuthGuard)
  @ApiCookieAuth()
  @ApiOkResponse({
    type: RecoveryCodesResponse,
    description: 'A new set, shown once; the old set no longer works',
  })
  @ApiBadRequestResponse()
  @ApiUnauthorizedResponse({ description: 'Invalid code' })
  @ApiTooManyRequestsResponse({ description: 'Too many wrong codes for this account' })
  async regenerateRecoveryCodes(
    @CurrentUser() me: Principal,
    @Body() dto: SecondFactorProofDto,
  ): Promise<RecoveryCodesResponse> {
    return { success: true, recoveryCodes: await this.mfa.regenerateRecoveryCodes(me, dto) };
  }

  @Post('challenge/options')
  @CeremonyOptions(
    'PublicKeyCredentialRequestOptionsJSON for a passkey as the second factor (needs the mfa_pending cookie): ' +
      "allowCredentials are the pending user's passkeys, its challenge works once, for that user only",
  )
  @ApiUnauthorizedResponse({ description: 'No pending sign-in (the mfa_pending cookie)' })
  challengeOptions(@Req() req: Request): Promise<PublicKeyCredentialRequestOptionsJSON> {
    return this.mfa.challengeOptions(pendingSignInTokenOf(req));
  }

  @Post('challenge')
  @HttpCode(HttpStatus.OK)
  @UseGuards(AuthThrottlerGuard)
  @ThrottledAs('login')
  @ApiOkResponse({
    type: UserResponse,
    description: 'Signed in (an aal2 session): sets the jwt cookie, clears the mfa_pending cookie',
  })
  @ApiBadRequestResponse()
  @ApiUnauthorizedResponse({
    description: 'Invalid code, a passkey assertion refused, or no pending sign-in (the mfa_pending cookie)',
  })
  @ApiForbiddenResponse({ description: 'Account suspended' })
  @ApiTooManyRequestsResponse({
    description: 'Too many attempts from this client, or wrong codes for this account',
  })
  async challenge(
    @Body() dto: SecondFactorProofDto,
    @Headers('user-agent') userAgent: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<UserResponse> {
    const { user, token } = await this.mfa.challenge(pendingSignInTokenOf(req), dto, userAgent);
    setAuthCookie(res, token, this.auth);
    clearPendingSignInCookie(res, this.config);
    return { success: true, user };
  }
}
