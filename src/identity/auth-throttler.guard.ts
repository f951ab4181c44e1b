import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerException, ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import type { Response } from 'express';

/**
 * The throttler names its header `Retry-After-<throttler>` for named throttlers; clients and proxies only
 * understand the standard `Retry-After`, so set that too, and say the same in words (the default message is
 * "ThrottlerException: Too Many Requests").
 */
@Injectable()
export class AuthThrottlerGuard extends ThrottlerGuard {
  protected override throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const res = context.switchToHttp().getResponse<Response>();
    const seconds = Math.max(1, detail.timeToBlockExpire);
    res.setHeader('Retry-After', seconds);
    return Promise.reject(
      new ThrottlerException(`Too many attempts: try again in ${seconds} second${seconds === 1 ? '' : 's'}`),
    );
  }
}
