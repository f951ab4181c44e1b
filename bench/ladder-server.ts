// The layer ladder's servers (ladder.bench.ts): one Nest app serving GET /api/chats/token, built up to rung
// LADDER_RUNG from the built app's own modules (dist/: `npm run build` first), so each rung adds exactly one layer
// of the shipped request path. Rung 0 is the floor the token benchmark compares with: Nest on Express serving
// static JSON. The shipped app itself (dist/main.js) is the ladder's last rung.
import 'reflect-metadata';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  Controller,
  DynamicModule,
  ForbiddenException,
  Get,
  Inject,
  Req,
  Type,
  UseGuards,
} from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';

const fromDist = createRequire(join(__dirname, '..', 'dist', 'main.js'));
/** One export of the built app (the types stay loose: bench/ is type-checked apart from src/). */
const built = <T = Type>(file: string, name: string): T => (fromDist(`./${file}`) as Record<string, T>)[name];

export const RUNGS = [
  'floor',
  'cookies',
  'helmet',
  'accessLog',
  'metrics',
  'passport',
  'userChecks',
  'streamToken',
] as const;
export type Rung = (typeof RUNGS)[number];

const rung = RUNGS.indexOf((process.env.LADDER_RUNG ?? 'floor') as Rung);
const has = (name: Rung) => rung >= RUNGS.indexOf(name);
const STATIC = { token: 'x'.repeat(180) };
const staticHeaders = built<(m: unknown) => () => void>('common/static-headers', 'staticHeaders');
const onEveryRequest = built<(app: unknown, type: Type) => () => void>('app.setup', 'onEveryRequest');
const JwtAuthGuard = built('identity/jwt-auth.guard', 'JwtAuthGuard');
const VerifiedEmailGuard = built('users/verified-email.guard', 'VerifiedEmailGuard');
const UsersService = built('users/users.service', 'UsersService');
type AuthedRequest = { user: { id: string } };

@Controller('chats')
class FloorController {
  @Get('token')
  token(): object {
    return STATIC;
  }
}

@Controller('chats')
@UseGuards(JwtAuthGuard)
class GuardedController {
  @Get('token')
  token(): object {
    return STATIC;
  }
}

/** The shipped route's guards and checks (ChatService.issueToken's reads), static JSON instead of a signature. */
@Controller('chats')
@UseGuards(JwtAuthGuard)
class CheckedController {
  constructor(
    @Inject(UsersService)
    private readonly users: { findChatAccess(id: string): Promise<{ bannedUntil: number } | null> },
  ) {}

  @Get('token')
  @UseGuards(VerifiedEmailGuard)
  async token(@Req() req: AuthedRequest): Promise<object> {
    const access = await this.users.findChatAccess(req.user.id);
    if (!access || access.bannedUntil > Date.now()) throw new ForbiddenException();
    return { ...STATIC, userId: req.user.id };
  }
}

/** The Passport strategy as shipped, with a session check that always says yes (the next rung adds the real one). */
const passportOnly = (): DynamicModule => ({
  module: class PassportOnlyModule {},
  providers: [
    built('identity/jwt.strategy', 'JwtStrategy'),
    {
      provide: built('identity/sessions.service', 'SessionsService'),
      useValue: { isActive: () => Promise.resolve(true) },
    },
  ],
});

function ladderModule(): DynamicModule {
  const env = built<(v: unknown) => unknown>('config/environment', 'resolveEnvironment')(process.env);
  const namespaces = built<(e: unknown) => []>('config/configuration', 'configNamespaces')(env);
  const imports: unknown[] = [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: namespaces }),
  ];
  if (has('accessLog')) imports.push(built('common/logging.module', 'LoggingModule'));
  if (has('metrics'))
    imports.push(
      built<{ withEndpoint(): DynamicModule }>('metrics/metrics.module', 'MetricsModule').withEndpoint(),
    );
  if (rung === RUNGS.indexOf('passport')) imports.push(passportOnly());
  if (has('userChecks')) {
    imports.push(built<() => DynamicModule>('common/mongo-connection', 'mongoConnection')());
    imports.push(built('users/users.module', 'UsersModule'));
  }
  if (has('streamToken'))
    imports.push(built('stream/stream.module', 'StreamModule'), built('chat/chat.module', 'ChatModule'));
  const controller = has('streamToken')
    ? []
    : [has('userChecks') ? CheckedController : has('passport') ? GuardedController : FloorController];
  return { module: class LadderModule {}, imports: imports as Type[], controllers: controller };
}

async function main(): Promise<void> {
  // Nest's default body parsers, as the floor has always had them (both return at once on a GET).
  const app = await NestFactory.create<NestExpressApplication>(ladderModule(), { logger: false });
  app.setGlobalPrefix('api');
  app.set('etag', false);
  if (has('cookies')) app.use(cookieParser());
  // As the shipped app: helmet's headers computed once by helmet, then replayed (app.setup.ts).
  if (has('helmet')) app.use(staticHeaders(helmet()));
  if (has('accessLog')) {
    app.useLogger(app.get(Logger));
    app.use(onEveryRequest(app, built('common/logging.module', 'AccessLogMiddleware')));
  }
  if (has('metrics'))
    app.use(onEveryRequest(app, built('metrics/http-metrics.middleware', 'HttpMetricsMiddleware')));
  await app.listen(Number(process.env.PORT ?? 5097), '127.0.0.1');
  // An exit on SIGINT, so that `node --cpu-prof` writes its profile (profile.ts).
  process.once('SIGINT', () => process.exit(0));
}

if (require.main === module) void main();
