import { Injectable, NestMiddleware } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram } from 'prom-client';
import { routePattern } from '../common/route-pattern';
import { HTTP_RATE_LIMITED, HTTP_REQUEST_DURATION } from './metrics';

/**
 * Times every request, 404s and guard refusals included (an interceptor would miss both), and counts the 429s
 * of every rate limit (per client and per account) in one place.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(
    @InjectMetric(HTTP_REQUEST_DURATION) private readonly duration: Histogram,
    @InjectMetric(HTTP_RATE_LIMITED) private readonly rateLimited: Counter,
  ) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const end = this.duration.startTimer();
    res.once('finish', () => {
      const route = routePattern(req) ?? 'unmatched';
      end({ method: req.method, route, status: res.statusCode });
      if (res.statusCode === 429) this.rateLimited.inc({ route });
    });
    next();
  }
}
