import { INestApplication, NestMiddleware, Logger as NestLogger, Type } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import { raw } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AllExceptionsFilter, ErrorBody } from './common/all-exceptions.filter';
import { AccessLogMiddleware } from './common/logging.module';
import { bodyParserErrors, verifyJsonShape } from './common/json-shape';
import { withErrorSchema } from './common/openapi-errors';
import { staticHeaders } from './common/static-headers';
import { createValidationPipe } from './common/validation.pipe';
import { appConfig, StreamConfig, streamConfig } from './config/configuration';
import { frontendHelmet } from './frontend/frontend-helmet';
import { HttpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { hopCountWarning } from './config/trust-proxy';

/**
 * A Nest middleware's `use`, for Express to mount on the root: it then runs with no path matched. Through Nest's
 * MiddlewareConsumer, a middleware for every route costs a wildcard match with its decoded parameters, a WeakSet
 * entry and a proxy on every request (issue 25: measured in docs/benchmarks.md).
 */
export function onEveryRequest(app: INestApplication, type: Type<NestMiddleware>): NestMiddleware['use'] {
  const middleware = app.get(type);
  return middleware.use.bind(middleware);
}

/**
 * Everything about the HTTP surface that is set once: shared by main.ts and the e2e harness so tests exercise
 * exactly what production serves.
 */
export function configureApp(app: NestExpressApplication): INestApplication {
  const config = app.get<ConfigType<typeof appConfig>>(appConfig.KEY);
  // Every log line, Nest's own included, through the one JSON logger (common/logging.module.ts).
  app.useLogger(app.get(Logger));
  // Prometheus scrapes /metrics at the root, by convention.
  app.setGlobalPrefix('api', { exclude: ['metrics'] });
  // Responses are per-user and uncacheable (tokens, profiles): hashing each body for an ETag is wasted work
  // (~8 % of the token endpoint's throughput, measured).
  app.set('etag', false);
  app.set('trust proxy', config.trustProxy);
  const hopCount = hopCountWarning(config.trustProxy);
  if (hopCount) new NestLogger('Bootstrap').warn(hopCount);
  // Node closes a connection idle this long; whatever keeps connections open to the API must give up on them
  // first, or it may send a request on a socket being closed.
  app.getHttpServer().keepAliveTimeout = config.keepAliveTimeoutMs;
  // First, before any parser: every request (404s and refused bodies included) gets its id, its access line and
  // its duration sample.
  app.use(onEveryRequest(app, AccessLogMiddleware), onEveryRequest(app, HttpMetricsMiddleware));
  // Stream's webhook signature covers the exact body bytes: that route keeps them raw (a gzipped body is
  // inflated, the signature being over the uncompressed JSON). Registered first, so the JSON parser skips it.
  app.use('/api/stream/webhook', raw({ type: () => true, limit: config.bodyLimit }));
  // Too deep or too wide is refused on the raw bytes, before parsing and validation (see json-shape.ts).
  app.useBodyParser('json', { limit: config.bodyLimit, verify: verifyJsonShape(config.bodyShape) });
  app.use(bodyParserErrors(config.bodyLimit));
  app.use(
    config.frontendDist
      ? frontendHelmet({
          streamBaseUrl: app.get<StreamConfig>(streamConfig.KEY).baseUrl,
          appUrl: config.appUrl,
        })
      : staticHeaders(helmet()),
  );
  app.use(cookieParser());
  app.enableCors({ origin: config.corsOrigins, credentials: true });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());

  const document = withErrorSchema(
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Lingo exchange API')
        .setDescription('Accounts, social graph and Stream Chat access for a language-exchange app')
        .setVersion('1.0')
        .addCookieAuth('jwt')
        .addBearerAuth()
        .build(),
      { extraModels: [ErrorBody] },
    ),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  return app;
}
