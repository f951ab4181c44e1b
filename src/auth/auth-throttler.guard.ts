import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Request, Response } from 'express';
import { Counter } from 'prom-client';
import { routePattern } from '../common/route-pattern';
import { HTTP_RATE_LIMITED } from '../metrics/metrics';

/**
 * The throttler names its header `Retry-After-<throttler>` for named throttlers; clients and proxies only
 * understand the standard `Retry-After`, so set that too. Every refusal is counted for the operator.
 */
@Injectable()
export class AuthThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    @InjectMetric(HTTP_RATE_LIMITED) private readonly refused: Counter,
  ) {
    super(options, storage, reflector);
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const http = context.switchToHttp();
    http.getResponse<Response>().setHeader('Retry-After', Math.max(1, detail.timeToBlockExpire));
    this.refused.inc({ route: routePattern(http.getRequest<Request>()) ?? 'unmatched' });
    return super.throwThrottlingException(context, detail);
  }
}
