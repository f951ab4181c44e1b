import { Module } from '@nestjs/common';
import { OidcProviders } from './oidc-providers.service';

/** The OpenID Connect providers users may sign in with (OIDC_PROVIDERS), discovered once per process. */
@Module({
  providers: [OidcProviders],
  exports: [OidcProviders],
})
export class OidcModule {}
