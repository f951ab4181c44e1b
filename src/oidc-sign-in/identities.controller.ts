import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Param,
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
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { oidcConfig } from '../config/configuration';
import { AuthThrottlerGuard } from '../identity/auth-throttler.guard';
import { CurrentUser } from '../identity/current-user.decorator';
import { JwtAuthGuard } from '../identity/jwt-auth.guard';
import type { Principal } from '../identity/principal';
import { AuthorizationUrlResponse, IdentityListResponse } from './dto/identities.response';
import { ReturnToDto } from './dto/return-to.dto';
import { browserKeyFor, callbackUri, setFlowCookie } from './flow-http';
import { MyIdentitiesService } from './my-identities.service';
import { OidcSignInService } from './oidc-sign-in.service';

/** The providers linked to my account: link one more, list them, remove one. */
@ApiTags('auth')
@ApiCookieAuth()
@ApiUnauthorizedResponse()
@UseGuards(JwtAuthGuard)
@Controller('auth/identities')
export class IdentitiesController {
  constructor(
    private readonly signIn: OidcSignInService,
    private readonly mine: MyIdentitiesService,
    @Inject(oidcConfig.KEY) private readonly config: ConfigType<typeof oidcConfig>,
  ) {}

  @Get()
  @ApiOkResponse({ type: IdentityListResponse, description: 'Mine, oldest first; never a token' })
  async list(@CurrentUser() me: Principal): Promise<IdentityListResponse> {
    return { identities: await this.mine.list(me.id) };
  }

  @Post(':provider')
  @HttpCode(HttpStatus.OK)
  @UseGuards(AuthThrottlerGuard)
  @SkipThrottle({ login: true, 'password-reset': true })
  @ApiOkResponse({
    type: AuthorizationUrlResponse,
    description:
      "Starts linking: send the browser to `url`; the provider's callback then links the identity to my account " +
      'and returns to returnTo with `?linked=<provider>` (or `?error=<code>`). Sets the oidc_flow cookie',
  })
  @ApiBadRequestResponse({ description: 'returnTo is outside the app (APP_URL)' })
  @ApiNotFoundResponse({ description: 'No such provider in OIDC_PROVIDERS' })
  @ApiServiceUnavailableResponse({ description: 'The provider is not discovered (yet)' })
  @ApiTooManyRequestsResponse()
  async link(
    @CurrentUser() me: Principal,
    @Param('provider') provider: string,
    @Body() dto: ReturnToDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AuthorizationUrlResponse> {
    const browserKey = browserKeyFor(req);
    const url = await this.signIn.start({
      provider,
      returnTo: dto.returnTo,
      redirectUri: callbackUri(req, provider, this.config),
      browserKey,
      linkingUser: me,
    });
    setFlowCookie(res, browserKey, this.config);
    return { url };
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Identity removed: it no longer signs in to my account' })
  @ApiNotFoundResponse({ description: 'No such identity of mine' })
  @ApiConflictResponse({ description: 'It is my last way to sign in (no password, no other identity)' })
  async unlink(@CurrentUser() me: Principal, @Param('id') id: string): Promise<void> {
    await this.mine.unlink(me.id, id);
  }
}
