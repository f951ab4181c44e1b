import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Module, RequestMethod } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import type { Request } from 'express';
import { LoggerModule, Params } from 'nestjs-pino';
import pino, { DestinationStream } from 'pino';
import type { Options } from 'pino-http';
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

function httpOptions(level: string): Options {
  return {
    level,
    genReqId: requestId,
    customAttributeKeys: { reqId: REQUEST_ID_KEY },
    // Lines logged while serving a request, and the access line, carry its id and nothing else of the request.
    quietReqLogger: true,
    quietResLogger: true,
    // Should a request or response object ever reach a line: no headers (cookies, tokens), no query, no body.
    serializers: {
      req: (req: { id: unknown; method: unknown }) => ({ id: req.id, method: req.method }),
      res: (res: { statusCode: unknown }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (req, res, error) => {
      if (error || res.statusCode >= 500) return 'error';
      return PROBES.has(req.url?.split('?')[0] ?? '') ? 'debug' : 'info';
    },
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request failed',
    customSuccessObject: (req, res, value: { responseTime: number }) =>
      accessFields(req as Request, res, value.responseTime),
    customErrorObject: (req, res, _error, value: { responseTime: number }) =>
      accessFields(req as Request, res, value.responseTime),
  };
}

/**
 * Every log line of the API, application logs (Nest's Logger) and one line per request alike, goes through one
 * pino logger: JSON on an asynchronous destination (the request path never waits on a stdout write), readable
 * lines in development only.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      providers: [{ provide: LOG_DESTINATION, useFactory: () => pino.destination({ dest: 1, sync: false }) }],
      inject: [logConfig.KEY, LOG_DESTINATION],
      useFactory: (config: ConfigType<typeof logConfig>, destination: DestinationStream): Params => ({
        pinoHttp: config.pretty
          ? {
              ...httpOptions(config.level),
              transport: { target: 'pino-pretty', options: { singleLine: true } },
            }
          : [httpOptions(config.level), destination],
        // Every path, 404s included; `{*splat}` is the Express 5 spelling of "everything".
        forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
      }),
    }),
  ],
})
export class LoggingModule {}
