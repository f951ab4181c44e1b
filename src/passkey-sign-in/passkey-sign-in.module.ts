import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { IdentityModule } from '../identity/identity.module';
import { PasskeysModule } from '../passkeys/passkeys.module';
import { UsersModule } from '../users/users.module';
import { MyPasskeysService } from './my-passkeys.service';
import { PasskeySignInController } from './passkey-sign-in.controller';
import { PasskeySignInService } from './passkey-sign-in.service';
import { PasskeysController } from './passkeys.controller';

/**
 * Passkeys over HTTP: my passkeys (/api/auth/passkeys) and signing in with one (/api/auth/passkeys/authentication).
 * The ceremonies and the store are passkeys/'s; sessions start as every sign-in's do (accounts/).
 */
@Module({
  imports: [PasskeysModule, IdentityModule, UsersModule, AccountsModule],
  controllers: [PasskeysController, PasskeySignInController],
  providers: [MyPasskeysService, PasskeySignInService],
})
export class PasskeySignInModule {}
