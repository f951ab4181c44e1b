import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AccountsModule } from '../accounts/accounts.module';
import { lazyMongoConnection } from '../common/mongo-connection';
import { CONFIG_NAMESPACES } from '../config/configuration';
import { MetricsModule } from '../metrics/metrics.module';
import { StreamModule } from '../stream/stream.module';
import { CliPrinter } from './cli-printer';
import { CliPrompt } from './cli-prompt';
import { DeleteUsersCommand } from './delete-users.command';
import { SyncUsersCommand } from './sync-users.command';

/**
 * The admin CLI: the same configuration, database, StreamService and account services as the API, without HTTP
 * (and without the API's background sync worker).
 */
@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, load: CONFIG_NAMESPACES }),
    lazyMongoConnection(),
    MetricsModule,
    StreamModule,
    AccountsModule,
  ],
  providers: [DeleteUsersCommand, SyncUsersCommand, CliPrinter, CliPrompt],
})
export class CliModule {}
