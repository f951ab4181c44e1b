import { Injectable, NestMiddleware } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { NextFunction, Request, Response } from 'express';
import { Histogram } from 'prom-client';
import { routePattern } from '../common/route-pattern';
import { HTTP_REQUEST_DURATION } from './metrics';

/** Times every request, 404s and guard refusals included (an interceptor would miss both). */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(@InjectMetric(HTTP_REQUEST_DURATION) private readonly duration: Histogram) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const end = this.duration.startTimer();
    res.once('finish', () =>
      end({ method: req.method, route: routePattern(req) ?? 'unmatched', status: res.statusCode }),
    );
    next();
  }
}
