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
import { CurrentUser } from '../identity/current-user.decorator';
import { JwtAuthGuard, OptionalJwtAuthGuard } from '../identity/jwt-auth.guard';
import type { Principal } from '../identity/principal';
import { ThrottledAs } from '../identity/throttled-as.decorator';
import { ChangeEmailDto, ResendVerificationDto, VerifyEmailDto } from './dto/email.dto';
import { MessageResponse } from './dto/user-response.dto';
import { EmailAddressService } from './email-address.service';

/** My email address: verifying it (a mailed code or link) and changing it (confirmed at the new address). */
@ApiTags('auth')
@Controller('auth/email')
export class EmailAddressController {
  constructor(private readonly emails: EmailAddressService) {}

  @Post('verification')
  @HttpCode(HttpStatus.ACCEPTED)
  @UseGuards(OptionalJwtAuthGuard, AuthThrottlerGuard)
  @ThrottledAs('email-verification')
  @ApiAcceptedResponse({
    type: MessageResponse,
    description:
      'Signed in: a new code and link to my address. Not signed in, with `email`: the same answer whether or ' +
      'not the address has an account; mails one only to an account still to verify',
  })
  @ApiBadRequestResponse({ description: 'Not signed in and no email; or signed in and another address' })
  @ApiConflictResponse({ description: 'Signed in, and my address is already verified' })
  @ApiTooManyRequestsResponse({
    description: 'Too many mails to this address or account, or from this client',
  })
  async resend(
    @CurrentUser() me: Principal | undefined,
    @Body() dto: ResendVerificationDto,
  ): Promise<MessageResponse> {
    return { success: true, message: await this.emails.resend(me, dto.email) };
  }

  @Post('verify')
  @HttpCode(HttpStatus.OK)
  @UseGuards(OptionalJwtAuthGuard, AuthThrottlerGuard)
  @ThrottledAs('email-verification')
  @ApiOkResponse({
    type: MessageResponse,
    description:
      'Verified: the address, or (an email change) the account moved to its new address and every other ' +
      'session ended. `{ token }` from the link, `{ email, code }`, or `{ code }` signed in',
  })
  @ApiBadRequestResponse({
    description: 'Wrong, used, replaced or expired code or link; or a malformed body',
  })
  @ApiConflictResponse({ description: 'An email change, and another account took the address meanwhile' })
  @ApiTooManyRequestsResponse()
  async verify(
    @CurrentUser() me: Principal | undefined,
    @Body() dto: VerifyEmailDto,
  ): Promise<MessageResponse> {
    return { success: true, message: await this.emails.confirm(dto, me) };
  }

  @Put()
  @HttpCode(HttpStatus.ACCEPTED)
  // The password is a guess like a login's: it shares the login limit.
  @UseGuards(JwtAuthGuard, AuthThrottlerGuard)
  @ThrottledAs('login')
  @ApiCookieAuth()
  @ApiAcceptedResponse({
    type: MessageResponse,
    description: 'A code and link went to the new address; nothing changes until one is used',
  })
  @ApiBadRequestResponse({ description: 'A malformed address, or my current one' })
  @ApiUnauthorizedResponse({ description: 'Not signed in, or wrong password' })
  @ApiConflictResponse({
    description: 'Another account has this address (not under REQUIRE_VERIFIED_EMAIL=login)',
  })
  @ApiTooManyRequestsResponse()
  async change(@CurrentUser() me: Principal, @Body() dto: ChangeEmailDto): Promise<MessageResponse> {
    await this.emails.requestChange(me, dto);
    return { success: true, message: 'A code and link are on their way to your new address' };
  }
}
