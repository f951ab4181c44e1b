import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { OidcProviders } from '../oidc/oidc-providers.service';
import { ReadinessCheck, ReadinessIndicator } from './readiness';

/**
 * The sign-in providers: each discovered or not (with the last error and the next attempt). A provider that
 * cannot be discovered disables sign-in with it, not the API: this check reports it and stays up.
 */
@Injectable()
@ReadinessCheck('oidc')
export class OidcHealthIndicator implements ReadinessIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly providers: OidcProviders,
  ) {}

  check(key: string) {
    const providers = this.providers.status();
    const undiscovered = Object.keys(providers).filter((name) => !providers[name].discovered);
    return Promise.resolve(this.indicators.check(key).up({ providers, undiscovered }));
  }
}
