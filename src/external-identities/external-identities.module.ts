import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ExternalIdentitiesService } from './external-identities.service';
import { ExternalIdentity, ExternalIdentitySchema } from './schemas/external-identity.schema';

/**
 * Identities at OpenID Connect providers linked to accounts (`identities`). An identity store: it knows no
 * provider, user or flow; sign-in and linking (oidc-sign-in/) and account deletion (accounts/, which also brings
 * the collection to the CLI's `indexes`) use it.
 */
@Module({
  imports: [MongooseModule.forFeature([{ name: ExternalIdentity.name, schema: ExternalIdentitySchema }])],
  providers: [ExternalIdentitiesService],
  // The service, not the model: nobody else queries `identities`.
  exports: [ExternalIdentitiesService],
})
export class ExternalIdentitiesModule {}
