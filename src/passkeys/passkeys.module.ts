import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { PasskeysService } from './passkeys.service';
import { Passkey, PasskeySchema } from './schemas/passkey.schema';
import { WebAuthnChallenge, WebAuthnChallengeSchema } from './schemas/webauthn-challenge.schema';
import { WebAuthnChallengesService } from './webauthn-challenges.service';
import { WebAuthnService } from './webauthn.service';

/**
 * Passkeys (`passkeys`) and the WebAuthn ceremonies that add and use them (`webauthn_challenges`). An identity
 * store: it knows no user rules or sessions; the passkey flows (passkey-sign-in/), account deletion and the data
 * export (which also bring the collections to the CLI's `indexes`) use it.
 */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Passkey.name, schema: PasskeySchema },
      { name: WebAuthnChallenge.name, schema: WebAuthnChallengeSchema },
    ]),
  ],
  providers: [PasskeysService, WebAuthnChallengesService, WebAuthnService],
  // The services, not the models: nobody else queries these collections.
  exports: [PasskeysService, WebAuthnService],
})
export class PasskeysModule {}
