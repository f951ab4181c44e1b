import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Inject,
  Ip,
  Post,
  Put,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCookieAuth,
  ApiOkResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiExtraModels,
  getSchemaPath,
} from '@nestjs/swagger';
import { clearAuthCookie, setAuthCookie, setPendingSignInCookie } from '../identity/auth-cookie';
import { AuthThrottlerGuard } from '../identity/auth-throttler.guard';
import { ThrottledAs } from '../identity/throttled-as.decorator';
import type { Response } from 'express';
import { authConfig, mfaConfig } from '../config/configuration';
import { UsersService } from '../users/users.service';
import { AuthService, SignInOutcome } from './auth.service';
import { SecondFactorRequiredResponse } from './dto/second-factor.response';
import { CurrentUser } from '../identity/current-user.decorator';
import { LoginDto } from './dto/login.dto';
import { OnboardingDto } from './dto/onboarding.dto';
import { SignupDto } from './dto/signup.dto';
import { MessageResponse, UserResponse } from './dto/user-response.dto';
import { JwtAuthGuard, OptionalJwtAuthGuard } from '../identity/jwt-auth.guard';
import type { Principal } from '../identity/principal';

/** The signup reply under REQUIRE_VERIFIED_EMAIL=login, for a new address and a registered one alike. */
const VERIFY_FIRST = 'Check your inbox: we mailed a code and a link to confirm this address; then sign in';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
    @Inject(mfaConfig.KEY) private readonly mfa: ConfigType<typeof mfaConfig>,
  ) {}

  @Post('signup')
  @UseGuards(AuthThrottlerGuard)
  @ThrottledAs('signup')
  @ApiCreatedResponse({ type: UserResponse, description: 'Account created, signed in; sets the jwt cookie' })
  @ApiAcceptedResponse({
    type: MessageResponse,
    description:
      'REQUIRE_VERIFIED_EMAIL=login: check your inbox (no cookie until the address is verified); the same ' +
      'answer for an address that already has an account, whose holder is mailed a notice',
  })
  @ApiBadRequestResponse()
  @ApiConflictResponse({ description: 'Email already exists (not under REQUIRE_VERIFIED_EMAIL=login)' })
  @ApiTooManyRequestsResponse()
  async signup(
    @Body() dto: SignupDto,
    @Headers('user-agent') userAgent: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<UserResponse | MessageResponse> {
    const outcome = await this.auth.signup(dto, userAgent);
    if (outcome.kind === 'verify-first') {
      res.status(HttpStatus.ACCEPTED);
      return { success: true, message: VERIFY_FIRST };
    }
    // A new account has no second factor yet.
    return this.signedIn(outcome, res) as UserResponse;
  }

  @Post('login')
  @HttpCode(HttpStatus.OK)
  @UseGuards(AuthThrottlerGuard)
  @ThrottledAs('login')
  @ApiOkResponse({
    description:
      'Signed in (a new session; sets the jwt cookie): `{ success, user }`. Or, for a user with a second factor, ' +
      '`{ mfaRequired: true, factors }` and the mfa_pending cookie: finish with POST /api/auth/mfa/challenge',
    schema: {
      oneOf: [{ $ref: getSchemaPath(UserResponse) }, { $ref: getSchemaPath(SecondFactorRequiredResponse) }],
    },
  })
  @ApiExtraModels(UserResponse, SecondFactorRequiredResponse)
  @ApiUnauthorizedResponse({ description: 'Invalid email or password' })
  @ApiForbiddenResponse({
    description:
      'Account suspended until <ISO time>, or permanently (banned); or REQUIRE_VERIFIED_EMAIL=login and the ' +
      'email address is not verified yet',
  })
  @ApiTooManyRequestsResponse({
    description:
      'Too many attempts from this client, or too many failed ones on this account from this client (or, past ' +
      'the ceiling, from everywhere): the message says how long, and that a password reset lifts it',
  })
  async login(
    @Body() dto: LoginDto,
    @Headers('user-agent') userAgent: string | undefined,
    @Ip() client: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<UserResponse | SecondFactorRequiredResponse> {
    return this.signedIn(await this.auth.login(dto, userAgent, client), res);
  }

  /** The session's cookie and the seed's `{ success, user }`; or the second step's cookie and what it accepts. */
  private signedIn(outcome: SignInOutcome, res: Response): UserResponse | SecondFactorRequiredResponse {
    if (outcome.kind === 'second-factor') {
      setPendingSignInCookie(res, outcome.pendingToken, this.mfa);
      return { mfaRequired: true, factors: outcome.factors };
    }
    setAuthCookie(res, outcome.token, this.config);
    return { success: true, user: outcome.user };
  }

  @Post('logout')
  @HttpCode(HttpStatus.OK)
  @UseGuards(OptionalJwtAuthGuard)
  @ApiOkResponse({ type: MessageResponse, description: 'Ends this session (if any); clears the jwt cookie' })
  async logout(
    @CurrentUser() me: Principal | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MessageResponse> {
    await this.auth.logout(me);
    clearAuthCookie(res, this.config);
    return { success: true, message: 'Logout successful' };
  }

  @Post('logout-all')
  @HttpCode(HttpStatus.OK)
  @UseGuards(JwtAuthGuard)
  @ApiCookieAuth()
  @ApiOkResponse({
    type: MessageResponse,
    description:
      'Ends every session of mine (this one too) and revokes my chat tokens; clears the jwt cookie',
  })
  @ApiUnauthorizedResponse()
  async logoutAll(
    @CurrentUser() me: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MessageResponse> {
    await this.auth.logoutEverywhere(me);
    clearAuthCookie(res, this.config);
    return { success: true, message: 'Signed out everywhere' };
  }

  @Put('onboarding')
  @UseGuards(JwtAuthGuard)
  @ApiCookieAuth()
  @ApiOkResponse({ type: UserResponse })
  @ApiBadRequestResponse({
    description: 'Missing fields (listed in missingFields) or fields that may not be set',
  })
  @ApiUnauthorizedResponse()
  async onboard(@CurrentUser() me: Principal, @Body() dto: OnboardingDto): Promise<UserResponse> {
    return { success: true, user: await this.auth.onboard(me.id, dto) };
  }

  // The seed's frontend posts here; same handler as PUT.
  @Post('onboarding')
  @HttpCode(HttpStatus.OK)
  @UseGuards(JwtAuthGuard)
  @ApiCookieAuth()
  @ApiOkResponse({ type: UserResponse })
  onboardPost(@CurrentUser() me: Principal, @Body() dto: OnboardingDto): Promise<UserResponse> {
    return this.onboard(me, dto);
  }

  @Get('me')
  @UseGuards(JwtAuthGuard)
  @ApiCookieAuth()
  @ApiOkResponse({ type: UserResponse })
  @ApiUnauthorizedResponse()
  async me(@CurrentUser() me: Principal): Promise<UserResponse> {
    return { success: true, user: await this.users.findOrFail(me.id) };
  }
}
