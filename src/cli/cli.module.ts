import { Module } from '@nestjs/common';
import { CoreModule } from '../core.module';
import { UsersModule } from '../users/users.module';
import { CliPrinter } from './cli-printer';
import { CliPrompt } from './cli-prompt';
import { DeleteUsersCommand } from './delete-users.command';
import { SyncUsersCommand } from './sync-users.command';

/**
 * The admin CLI: the same configuration, database, StreamService and user services as the API, without HTTP
 * (and without the API's background sync worker).
 */
@Module({
  imports: [CoreModule.forRoot({ lazyConnection: true }), UsersModule],
  providers: [DeleteUsersCommand, SyncUsersCommand, CliPrinter, CliPrompt],
})
export class CliModule {}
