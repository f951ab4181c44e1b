import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ExternalIdentitiesModule } from '../external-identities/external-identities.module';
import { IdentityModule } from '../identity/identity.module';
import { OidcModule } from '../oidc/oidc.module';
import { UsersModule } from '../users/users.module';
import { IdentitiesController } from './identities.controller';
import { MyIdentitiesService } from './my-identities.service';
import { OidcFlowsService } from './oidc-flows.service';
import { OidcSignInController } from './oidc-sign-in.controller';
import { oidcSignInSchemas } from './oidc-sign-in-schemas';
import { OidcSignInService } from './oidc-sign-in.service';

/**
 * Sign-in with OpenID Connect providers (/api/auth/oidc) and the identities linked to my account
 * (/api/auth/identities): the providers (oidc/), the identities (external-identities/), accounts created and
 * mirrored into Stream (accounts/), sessions started as a login starts them (identity/). Owns `oidc_flows`.
 */
@Module({
  imports: [
    oidcSignInSchemas(),
    OidcModule,
    ExternalIdentitiesModule,
    IdentityModule,
    UsersModule,
    AccountsModule,
  ],
  controllers: [OidcSignInController, IdentitiesController],
  providers: [OidcSignInService, OidcFlowsService, MyIdentitiesService],
})
export class OidcSignInModule {}
