import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AuthThrottleModule } from '../auth/auth-throttle.module';
import { UsersModule } from '../users/users.module';
import { AccountDeletionService } from './account-deletion.service';
import { AccountsService } from './accounts.service';
import { BlockingService } from './blocking.service';
import { DataExportController } from './data-export.controller';
import { DataExportService } from './data-export.service';
import { DataExportSlot, DataExportSlotSchema } from './schemas/data-export.schema';
import { BlocksController } from './blocks.controller';
import { MyAccountController } from './my-account.controller';
import { StreamSyncService } from './stream-sync.service';

/**
 * Accounts as they exist in the app and in Stream: profile writes mirrored into Stream (push now, worker
 * retries), deletion everywhere, blocks applied everywhere, and my data export from both. Sits above users and
 * stream; auth, chat, webhooks and the CLI call it.
 */
@Module({
  // The throttle: DELETE /api/users/me checks a password, so it shares the login limit.
  imports: [
    UsersModule,
    AuthThrottleModule,
    MongooseModule.forFeature([{ name: DataExportSlot.name, schema: DataExportSlotSchema }]),
  ],
  controllers: [MyAccountController, BlocksController, DataExportController],
  providers: [AccountsService, StreamSyncService, AccountDeletionService, BlockingService, DataExportService],
  exports: [AccountsService, StreamSyncService, AccountDeletionService],
})
export class AccountsModule {}
