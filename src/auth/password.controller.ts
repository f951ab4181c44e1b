import { Body, Controller, HttpCode, HttpStatus, Post, Put, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCookieAuth,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AuthThrottlerGuard } from '../identity/auth-throttler.guard';
import { ThrottledAs } from '../identity/throttled-as.decorator';
import { AuthService } from './auth.service';
import { CurrentUser } from '../identity/current-user.decorator';
import { ChangePasswordDto, ForgotPasswordDto, ResetPasswordDto } from './dto/password.dto';
import { MessageResponse } from './dto/user-response.dto';
import { JwtAuthGuard } from '../identity/jwt-auth.guard';
import type { Principal } from '../identity/principal';

/** The same answer whether or not the email has an account. */
const FORGOT_REPLY: MessageResponse = {
  success: true,
  message: 'If an account exists for this email, a link to reset its password is on its way',
};

@ApiTags('auth')
@Controller('auth/password')
export class PasswordController {
  constructor(private readonly auth: AuthService) {}

  @Put()
  // The current password is a guess like a login's: it shares the login limit.
  @UseGuards(JwtAuthGuard, AuthThrottlerGuard)
  @ThrottledAs('login')
  @ApiCookieAuth()
  @ApiOkResponse({ type: MessageResponse, description: 'Password changed; every other session ended' })
  @ApiBadRequestResponse()
  @ApiUnauthorizedResponse({ description: 'Not signed in, or wrong current password' })
  @ApiConflictResponse({
    description: 'No password yet (the account signs in with a provider): use the reset flow',
  })
  @ApiTooManyRequestsResponse()
  async change(@CurrentUser() me: Principal, @Body() dto: ChangePasswordDto): Promise<MessageResponse> {
    await this.auth.changePassword(me, dto);
    return { success: true, message: 'Password changed; your other sessions were signed out' };
  }

  @Post('forgot')
  @HttpCode(HttpStatus.ACCEPTED)
  @UseGuards(AuthThrottlerGuard)
  @ThrottledAs('password-reset')
  @ApiAcceptedResponse({
    type: MessageResponse,
    description: 'Same answer whether or not the account exists',
  })
  @ApiBadRequestResponse()
  @ApiTooManyRequestsResponse({ description: 'Too many requests from this client, or for this email' })
  async forgot(@Body() dto: ForgotPasswordDto): Promise<MessageResponse> {
    await this.auth.requestPasswordReset(dto.email);
    return FORGOT_REPLY;
  }

  @Post('reset')
  @HttpCode(HttpStatus.OK)
  @UseGuards(AuthThrottlerGuard)
  @ThrottledAs('password-reset')
  @ApiOkResponse({ type: MessageResponse, description: 'Password set; every session ended' })
  @ApiBadRequestResponse({ description: 'Invalid, used or expired token, or a bad new password' })
  @ApiTooManyRequestsResponse()
  async reset(@Body() dto: ResetPasswordDto): Promise<MessageResponse> {
    await this.auth.resetPassword(dto);
    return { success: true, message: 'Password reset; please sign in with your new password' };
  }
}
