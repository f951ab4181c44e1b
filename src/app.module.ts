import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AccountsModule } from './accounts/accounts.module';
import { StreamSyncWorker } from './accounts/stream-sync.worker';
import { SyncBacklogMetric } from './accounts/sync-backlog.metric';
import { AuthModule } from './auth/auth.module';
import { ChatModule } from './chat/chat.module';
import { mongoConnection } from './common/mongo-connection';
import { LoggingModule } from './common/logging.module';
import { configNamespaces } from './config/configuration';
import { EnvironmentVariables } from './config/env.validation';
import { DataExportModule } from './data-export/data-export.module';
import { frontendModule } from './frontend/frontend.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { ModerationModule } from './moderation/moderation.module';
import { OidcSignInModule } from './oidc-sign-in/oidc-sign-in.module';
import { PasskeySignInModule } from './passkey-sign-in/passkey-sign-in.module';
import { StreamModule } from './stream/stream.module';
import { UsersModule } from './users/users.module';
import { WebhooksModule } from './webhooks/webhooks.module';

// Built once per process, as a static @Module would: the metrics endpoint registers prom-client's default
// metrics in the global registry, which refuses a second registration (tests boot several apps).
const MODULES = [
  LoggingModule,
  MetricsModule.withEndpoint(),
  mongoConnection(),
  StreamModule,
  // First of the feature modules: Express tries routes in the order Nest registers them (module by module, in
  // import order), and the chat token is the hot path: ahead of some 60 other routes (issue 25).
  ChatModule,
  UsersModule,
  AccountsModule,
  AuthModule,
  OidcSignInModule,
  PasskeySignInModule,
  HealthModule,
  WebhooksModule,
  ModerationModule,
  DataExportModule,
  frontendModule(),
];

/** The API: built from the environment main.ts validated (and the test harness, with its own). */
@Module({})
export class AppModule {
  static forRoot(env: EnvironmentVariables): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: configNamespaces(env) }),
        ...MODULES,
      ],
      // The API process mirrors pending users into Stream in the background (and reports the backlog); the CLI
      // does not.
      providers: [StreamSyncWorker, SyncBacklogMetric],
    };
  }
}
