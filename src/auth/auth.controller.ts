import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Post,
  Put,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCookieAuth,
  ApiOkResponse,
  ApiCreatedResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { clearAuthCookie, setAuthCookie } from './auth-cookie';
import { AuthThrottlerGuard } from './auth-throttler.guard';
import type { Response } from 'express';
import { authConfig } from '../config/configuration';
import { SessionUser, UsersService } from '../users/users.service';
import { AuthService } from './auth.service';
import { CurrentUser } from './current-user.decorator';
import { LoginDto } from './dto/login.dto';
import { OnboardingDto } from './dto/onboarding.dto';
import { SignupDto } from './dto/signup.dto';
import { LogoutResponse, UserResponse } from './dto/user-response.dto';
import { JwtAuthGuard } from './jwt-auth.guard';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
  ) {}

  @Post('signup')
  @UseGuards(AuthThrottlerGuard)
  @SkipThrottle({ login: true })
  @ApiCreatedResponse({ type: UserResponse, description: 'Account created; sets the jwt cookie' })
  @ApiBadRequestResponse()
  @ApiConflictResponse({ description: 'Email already exists' })
  @ApiTooManyRequestsResponse()
  async signup(@Body() dto: SignupDto, @Res({ passthrough: true }) res: Response): Promise<UserResponse> {
    const { user, token } = await this.auth.signup(dto);
    setAuthCookie(res, token, this.config);
    return { success: true, user };
  }

  @Post('login')
  @HttpCode(HttpStatus.OK)
  @UseGuards(AuthThrottlerGuard)
  @SkipThrottle({ signup: true })
  @ApiOkResponse({ type: UserResponse, description: 'Signed in; sets the jwt cookie' })
  @ApiUnauthorizedResponse({ description: 'Invalid email or password' })
  @ApiTooManyRequestsResponse()
  async login(@Body() dto: LoginDto, @Res({ passthrough: true }) res: Response): Promise<UserResponse> {
    const { user, token } = await this.auth.login(dto);
    setAuthCookie(res, token, this.config);
    return { success: true, user };
  }

  @Post('logout')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: LogoutResponse })
  logout(@Res({ passthrough: true }) res: Response): LogoutResponse {
    clearAuthCookie(res, this.config);
    return { success: true, message: 'Logout successful' };
  }

  @Put('onboarding')
  @UseGuards(JwtAuthGuard)
  @ApiCookieAuth()
  @ApiOkResponse({ type: UserResponse })
  @ApiBadRequestResponse({
    description: 'Missing fields (listed in missingFields) or fields that may not be set',
  })
  @ApiUnauthorizedResponse()
  async onboard(@CurrentUser() me: SessionUser, @Body() dto: OnboardingDto): Promise<UserResponse> {
    return { success: true, user: await this.auth.onboard(me.id, dto) };
  }

  // The seed's frontend posts here; same handler as PUT.
  @Post('onboarding')
  @HttpCode(HttpStatus.OK)
  @UseGuards(JwtAuthGuard)
  @ApiCookieAuth()
  @ApiOkResponse({ type: UserResponse })
  onboardPost(@CurrentUser() me: SessionUser, @Body() dto: OnboardingDto): Promise<UserResponse> {
    return this.onboard(me, dto);
  }

  @Get('me')
  @UseGuards(JwtAuthGuard)
  @ApiCookieAuth()
  @ApiOkResponse({ type: UserResponse })
  @ApiUnauthorizedResponse()
  async me(@CurrentUser() me: SessionUser): Promise<UserResponse> {
    return { success: true, user: await this.users.findOrFail(me.id) };
  }
}
