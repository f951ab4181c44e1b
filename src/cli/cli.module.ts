import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AccountsModule } from '../accounts/accounts.module';
import { AuditModule } from '../audit/audit.module';
import { authSchemas } from '../auth/auth-schemas';
import { identitySchemas } from '../identity/identity-schemas';
import { verificationSchemas } from '../verification/verification-schemas';
import { dataExportSchemas } from '../data-export/data-export-schemas';
import { DataExportModule } from '../data-export/data-export.module';
import { PasswordResetService } from '../auth/password-reset.service';
import { MailModule } from '../mail/mail.module';
import { oidcSignInSchemas } from '../oidc-sign-in/oidc-sign-in-schemas';
import { webhooksSchemas } from '../webhooks/webhooks-schemas';
import { lazyMongoConnection } from '../common/mongo-connection';
import { configNamespaces } from '../config/configuration';
import { EnvironmentVariables } from '../config/env.validation';
import { MetricsModule } from '../metrics/metrics.module';
import { StreamModule } from '../stream/stream.module';
import { CliPrinter } from './cli-printer';
import { CliPrompt } from './cli-prompt';
import { MigrationModule } from '../migration/migration.module';
import { IndexesModule } from '../indexes/indexes.module';
import { ModerationModule } from '../moderation/moderation.module';
import { AuditCommand } from './audit.command';
import { DeleteUsersCommand } from './delete-users.command';
import { IndexesCommand } from './indexes.command';
import { MigrateCommand } from './migrate.command';
import { RolesCommand } from './roles.command';
import { SyncUsersCommand } from './sync-users.command';

/**
 * The admin CLI: the same configuration, database, StreamService and account services as the API, without HTTP
 * (and without the API's background sync worker).
 */
@Module({
  imports: [
    lazyMongoConnection(),
    MetricsModule,
    StreamModule,
    AccountsModule,
    AuditModule,
    ModerationModule,
    MigrationModule,
    IndexesModule,
    // The owners of user data that delete-users empties with the account (@OwnsAccountData).
    DataExportModule,
    MailModule,
    // Not these modules themselves: their collections, so `indexes` sees every schema the API registers.
    identitySchemas(),
    verificationSchemas(),
    authSchemas(),
    webhooksSchemas(),
    dataExportSchemas(),
    oidcSignInSchemas(),
  ],
  providers: [
    PasswordResetService,
    DeleteUsersCommand,
    SyncUsersCommand,
    MigrateCommand,
    IndexesCommand,
    RolesCommand,
    AuditCommand,
    CliPrinter,
    CliPrompt,
  ],
})
export class CliModule {
  /** The CLI over the environment cli-runner validated for the command. */
  static forRoot(env: EnvironmentVariables): DynamicModule {
    return {
      module: CliModule,
      imports: [ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: configNamespaces(env) })],
    };
  }
}
