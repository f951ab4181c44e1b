import { timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import type { Request } from 'express';
import { metricsConfig } from '../config/configuration';

/** With METRICS_TOKEN set, a scrape must send `Authorization: Bearer <token>`; without it, /metrics is open. */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly expected?: Buffer;

  constructor(@Inject(metricsConfig.KEY) config: ConfigType<typeof metricsConfig>) {
    this.expected = config.token === undefined ? undefined : Buffer.from(`Bearer ${config.token}`);
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) return true;
    const given = Buffer.from(context.switchToHttp().getRequest<Request>().headers.authorization ?? '');
    // Constant time: the comparison must not tell a caller how much of the token it got right.
    if (given.length === this.expected.length && timingSafeEqual(given, this.expected)) return true;
    throw new UnauthorizedException('Unauthorized: metrics need the bearer token');
  }
}
