import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { TooManyRequestsException } from '../common/too-many-requests';

/**
 * The throttler names its header `Retry-After-<throttler>` for named throttlers; clients and proxies only
 * understand the standard `Retry-After`, so answer like every other limit (the default message is
 * "ThrottlerException: Too Many Requests").
 */
@Injectable()
export class AuthThrottlerGuard extends ThrottlerGuard {
  protected override throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    return Promise.reject(new TooManyRequestsException('Too many attempts', detail.timeToBlockExpire));
  }
}
