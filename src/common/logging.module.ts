import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Global, Inject, Injectable, Module, NestMiddleware } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import type { NextFunction, Request, Response } from 'express';
import { Logger, Params, PARAMS_PROVIDER_TOKEN, PinoLogger } from 'nestjs-pino';
import { storage } from 'nestjs-pino/storage';
import pino, { DestinationStream, Level, LoggerOptions, Logger as Pino } from 'pino';
import { logConfig } from '../config/configuration';
import { REQUEST_ID_KEY } from './request-id';
import { routePattern } from './route-pattern';

/** Where JSON log lines go: stdout, written asynchronously. Tests replace it to read what an operator would. */
export const LOG_DESTINATION = Symbol('LOG_DESTINATION');

// A caller's id is kept only if short and plain: it is echoed in a header and written to every line of the request.
const CALLER_REQUEST_ID = /^[\w.:-]{1,128}$/;
// Scraped every few seconds: logged at debug, so the info log shows traffic.
const PROBES = new Set(['/api/health/live', '/api/health/ready', '/metrics']);

/** X-Request-Id from the caller (the proxy) when usable, else a new one; echoed so a client can quote it. */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && CALLER_REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/**
 * The access line: built field by field, so headers, cookies, query strings and bodies (tokens, passwords) can
 * never reach it. `route` is the matched pattern (absent for a 404), `path` the concrete one.
 */
function accessFields(req: Request, res: ServerResponse, durationMs: number) {
  // Set by the JWT guard on authenticated routes.
  const user: { id?: string } | undefined = req.user;
  return {
    method: req.method,
    route: routePattern(req),
    path: req.originalUrl.split('?')[0],
    status: res.statusCode,
    durationMs,
    userId: user?.id,
  };
}

const ROOT_LOGGER = Symbol('ROOT_LOGGER');

const rootOptions = (level: string): LoggerOptions => ({
  level,
  // Should a request or response object ever reach a line: no headers (cookies, tokens), no query, no body.
  serializers: {
    req: (req: { id: unknown; method: unknown }) => ({ id: req.id, method: req.method }),
    res: (res: { statusCode: unknown }) => ({ statusCode: res.statusCode }),
  },
});

/**
 * What nestjs-pino's Logger reads while a request is served: lines logged then carry its id. The child logger
 * that adds the id is made on the first such line only: most requests log nothing but their access line.
 */
class RequestStore {
  private child?: Pino;
  readonly responseLogger = undefined;

  constructor(
    private readonly root: Pino,
    private readonly requestId: string,
  ) {}

  get logger(): Pino {
    return (this.child ??= this.root.child({ [REQUEST_ID_KEY]: this.requestId }));
  }

  /** PinoLogger.assign() replaces it. */
  set logger(logger: Pino) {
    this.child = logger;
  }
}

/**
 * The request id and the access line, one per request (404s and guard refusals included), written once the
 * response is done or the connection gone. In place of pino-http, which makes two child loggers and three
 * listeners per request for the same line (issue 25: a quarter of the access log's cost, measured).
 */
@Injectable()
export class AccessLogMiddleware implements NestMiddleware {
  constructor(@Inject(ROOT_LOGGER) private readonly root: Pino) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const id = requestId(req, res);
    const started = Date.now();
    res.once('close', () => this.accessLine(req, res, id, Date.now() - started));
    storage.run(new RequestStore(this.root, id), next);
  }

  private accessLine(req: Request, res: Response, id: string, durationMs: number): void {
    const failed = res.statusCode >= 500;
    const level: Level = failed ? 'error' : PROBES.has(req.originalUrl.split('?')[0]) ? 'debug' : 'info';
    if (!this.root.isLevelEnabled(level)) return;
    this.root[level](
      { [REQUEST_ID_KEY]: id, ...accessFields(req, res, durationMs) },
      failed ? 'request failed' : 'request completed',
    );
  }
}

/**
 * Every log line of the API, application logs (Nest's Logger, through nestjs-pino) and one line per request
 * alike, goes through one pino logger: JSON on an asynchronous destination (the request path never waits on a
 * stdout write), readable lines in development only.
 */
@Global()
@Module({
  providers: [
    { provide: LOG_DESTINATION, useFactory: () => pino.destination({ dest: 1, sync: false }) },
    {
      provide: ROOT_LOGGER,
      inject: [logConfig.KEY, LOG_DESTINATION],
      useFactory: (config: ConfigType<typeof logConfig>, destination: DestinationStream): Pino =>
        config.pretty
          ? pino({
              ...rootOptions(config.level),
              transport: { target: 'pino-pretty', options: { singleLine: true } },
            })
          : pino(rootOptions(config.level), destination),
    },
    // nestjs-pino's Logger and PinoLogger write through that logger (a passed logger: it adds no middleware).
    {
      provide: PARAMS_PROVIDER_TOKEN,
      inject: [ROOT_LOGGER],
      useFactory: (logger: Pino): Params => ({ pinoHttp: { logger } }),
    },
    PinoLogger,
    Logger,
    AccessLogMiddleware,
  ],
  exports: [PinoLogger, Logger, AccessLogMiddleware],
})
export class LoggingModule {}
