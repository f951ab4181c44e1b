import { applyDecorators, HttpCode, HttpStatus, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { AuthThrottlerGuard } from './auth-throttler.guard';
import { ThrottledAs } from './throttled-as.decorator';

/** A route handing out a ceremony's options: each call stores a challenge, so it is limited per client like signups. */
export const CeremonyOptions = (description: string) =>
  applyDecorators(
    HttpCode(HttpStatus.OK),
    UseGuards(AuthThrottlerGuard),
    ThrottledAs('signup'),
    ApiOkResponse({ schema: { type: 'object', additionalProperties: true }, description }),
    ApiTooManyRequestsResponse(),
  );
