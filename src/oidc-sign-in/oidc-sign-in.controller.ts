import { Controller, Get, Headers, Inject, Param, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import {
  ApiBadRequestResponse,
  ApiFoundResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { authConfig, mfaConfig, oidcConfig } from '../config/configuration';
import { setAuthCookie, setPendingSignInCookie } from '../identity/auth-cookie';
import { AuthThrottlerGuard } from '../identity/auth-throttler.guard';
import { ReturnToDto } from './dto/return-to.dto';
import { browserKeyFor, browserKeyOf, callbackUri, redirect, setFlowCookie } from './flow-http';
import { OidcSignInService } from './oidc-sign-in.service';

/** Sign-in with an OpenID Connect provider: plain browser navigations, each answered with a redirect. */
@ApiTags('auth')
@Controller('auth/oidc')
export class OidcSignInController {
  constructor(
    private readonly signIn: OidcSignInService,
    @Inject(oidcConfig.KEY) private readonly config: ConfigType<typeof oidcConfig>,
    @Inject(authConfig.KEY) private readonly auth: ConfigType<typeof authConfig>,
    @Inject(mfaConfig.KEY) private readonly mfa: ConfigType<typeof mfaConfig>,
  ) {}

  @Get(':provider')
  // Each start stores a pending flow: limited per client like signups.
  @UseGuards(AuthThrottlerGuard)
  @SkipThrottle({ login: true, 'password-reset': true })
  @ApiOperation({ summary: "Sign in with a provider: a link the browser follows to the provider's page" })
  @ApiFoundResponse({ description: "To the provider's sign-in page; sets the oidc_flow cookie" })
  @ApiBadRequestResponse({ description: 'returnTo is outside the app (APP_URL)' })
  @ApiNotFoundResponse({ description: 'No such provider in OIDC_PROVIDERS' })
  @ApiServiceUnavailableResponse({ description: 'The provider is not discovered (yet): see /api/health' })
  @ApiTooManyRequestsResponse()
  async start(
    @Param('provider') provider: string,
    @Query() query: ReturnToDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const browserKey = browserKeyFor(req);
    const url = await this.signIn.start({
      provider,
      returnTo: query.returnTo,
      redirectUri: callbackUri(req, provider, this.config),
      browserKey,
    });
    setFlowCookie(res, browserKey, this.config);
    redirect(res, url);
  }

  @Get(':provider/callback')
  @ApiOperation({ summary: 'Where the provider sends the browser back (its redirect_uri)' })
  @ApiQuery({ name: 'state', required: false })
  @ApiQuery({ name: 'code', required: false })
  @ApiQuery({ name: 'error', required: false })
  @ApiFoundResponse({
    description:
      'To returnTo (default APP_URL): signed in (jwt cookie set), or waiting for a second factor ' +
      '(`?mfa=required`, mfa_pending cookie set), or linked (`?linked=<provider>`), or ' +
      '`?error=<code>&provider=<name>` (docs/api.md lists the codes)',
  })
  @ApiNotFoundResponse({ description: 'No such provider in OIDC_PROVIDERS' })
  async callback(
    @Param('provider') provider: string,
    @Headers('user-agent') userAgent: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    // The query as sent, not Express's parse of it: openid-client reads the parameters itself.
    const raw = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '';
    const outcome = await this.signIn.finish(
      provider,
      new URLSearchParams(raw),
      browserKeyOf(req),
      userAgent,
    );
    if (outcome.sessionToken) setAuthCookie(res, outcome.sessionToken, this.auth);
    if (outcome.pendingSignInToken) setPendingSignInCookie(res, outcome.pendingSignInToken, this.mfa);
    redirect(res, outcome.redirectTo);
  }
}
