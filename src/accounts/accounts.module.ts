import { Module } from '@nestjs/common';
import { ExternalIdentitiesModule } from '../external-identities/external-identities.module';
import { IdentityModule } from '../identity/identity.module';
import { UsersModule } from '../users/users.module';
import { VerificationModule } from '../verification/verification.module';
import { AccountDeletionService } from './account-deletion.service';
import { AccountsService } from './accounts.service';
import { BlockingService } from './blocking.service';
import { BlocksController } from './blocks.controller';
import { MyAccountController } from './my-account.controller';
import { StreamSyncService } from './stream-sync.service';

/**
 * Accounts as they exist in the app and in Stream: profile writes mirrored into Stream (push now, worker
 * retries), deletion everywhere, and blocks applied everywhere. Sits above users and stream; auth, chat,
 * webhooks and the CLI call it.
 */
@Module({
  // Identity: the guard, the login limit DELETE /api/users/me shares, and the sessions deletion ends;
  // verification: the pending links and codes deletion drops; the identities at providers it removes.
  imports: [UsersModule, IdentityModule, VerificationModule, ExternalIdentitiesModule],
  controllers: [MyAccountController, BlocksController],
  providers: [AccountsService, StreamSyncService, AccountDeletionService, BlockingService],
  exports: [AccountsService, StreamSyncService, AccountDeletionService],
})
export class AccountsModule {}
