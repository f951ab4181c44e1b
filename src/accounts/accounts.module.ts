import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ExternalIdentitiesModule } from '../external-identities/external-identities.module';
import { IdentityModule } from '../identity/identity.module';
import { MailModule } from '../mail/mail.module';
import { SecondFactorsModule } from '../second-factors/second-factors.module';
import { PasskeysModule } from '../passkeys/passkeys.module';
import { UsersModule } from '../users/users.module';
import { VerificationModule } from '../verification/verification.module';
import { AccountDeletionService } from './account-deletion.service';
import { AccountStandingService } from './account-standing.service';
import { AccountsService } from './accounts.service';
import { BlockingService } from './blocking.service';
import { BlocksController } from './blocks.controller';
import { FriendshipsController } from './friendships.controller';
import { FriendshipsService } from './friendships.service';
import { MyAccountController } from './my-account.controller';
import { SecondFactorProofService } from './second-factor-proof.service';
import { SessionStartService } from './session-start.service';
import { SignInFactorsService } from './sign-in-factors.service';
import { SocialNotifier } from './social-notifier.service';
import { StreamSyncService } from './stream-sync.service';

/**
 * Accounts as they exist in the app and in Stream: profile writes mirrored into Stream (push now, worker
 * retries), roles and bans, deletion everywhere, blocks applied everywhere, and the social graph's writes with
 * their live notifications. Sits above users and stream; auth, chat, webhooks, moderation and the CLI call it.
 */
@Module({
  // Identity: the guard, the login limit DELETE /api/users/me shares, and the sessions deletion ends;
  // verification: the pending links and codes deletion drops; the identities at providers it removes; second
  // factors and passkeys: what a sign-in asks for before its session (and what proves one), and what deletion
  // removes; mail: the notice of a recovery code used.
  // DiscoveryModule: the owners of user data above this layer (@OwnsAccountData), which deletion empties.
  imports: [
    UsersModule,
    IdentityModule,
    VerificationModule,
    ExternalIdentitiesModule,
    SecondFactorsModule,
    PasskeysModule,
    DiscoveryModule,
    MailModule,
  ],
  controllers: [MyAccountController, BlocksController, FriendshipsController],
  providers: [
    AccountsService,
    StreamSyncService,
    AccountDeletionService,
    AccountStandingService,
    BlockingService,
    FriendshipsService,
    SocialNotifier,
    SessionStartService,
    SignInFactorsService,
    SecondFactorProofService,
  ],
  exports: [
    AccountsService,
    StreamSyncService,
    AccountDeletionService,
    AccountStandingService,
    SessionStartService,
    SignInFactorsService,
    SecondFactorProofService,
  ],
})
export class AccountsModule {}
