// openid-client is ESM-only: compiled to CommonJS this import is a require(), which Node loads natively from 20.19
// on; jest compiles the package to CommonJS instead (jest.config.js).
import * as client from 'openid-client';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { backoffDelay, retry } from '../common/retry';
import { oidcConfig } from '../config/configuration';
import type { OidcProviderSettings } from '../config/oidc-providers';
import { ExternalProfile, toExternalProfile } from './external-profile';
import { OidcError, toOidcError } from './oidc.errors';

/** What the callback needs to finish an authorization request: kept by the caller, used once. */
export interface PendingAuthorization {
  codeVerifier: string;
  state: string;
  nonce: string;
}

/** A provider as health reports it. */
export interface OidcProviderStatus {
  issuer: string;
  discovered: boolean;
  /** Failed discoveries so far (discovery is retried with backoff until it succeeds). */
  failedAttempts: number;
  lastError?: string;
  nextAttemptAt?: string;
}

interface Provider {
  settings: OidcProviderSettings;
  /** Set once discovered. */
  config?: client.Configuration;
  failedAttempts: number;
  lastError?: string;
  nextAttemptAt?: Date;
}

/**
 * The configured OpenID Connect providers, through openid-client (the only importer of it): discovery at
 * start-up, retried with backoff and never blocking the boot, then the authorization code flow with PKCE (S256),
 * state and nonce. openid-client verifies the ID token: its signature against the provider's JWKS
 * (enableNonRepudiationChecks: without it, an ID token from the token endpoint is not signature-checked), iss,
 * aud, exp and nonce.
 */
@Injectable()
export class OidcProviders implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OIDC');
  private readonly providers = new Map<string, Provider>();
  private readonly shutdown = new AbortController();

  constructor(@Inject(oidcConfig.KEY) private readonly config: ConfigType<typeof oidcConfig>) {
    for (const settings of config.providers) {
      this.providers.set(settings.name, { settings, failedAttempts: 0 });
    }
  }

  onApplicationBootstrap(): void {
    // Not awaited: an unreachable provider is reported by health and retried, the rest of the API starts.
    for (const provider of this.providers.values()) void this.discover(provider);
  }

  onApplicationShutdown(): void {
    this.shutdown.abort();
  }

  has(name: string): boolean {
    return this.providers.has(name);
  }

  status(): Record<string, OidcProviderStatus> {
    return Object.fromEntries(
      [...this.providers].map(([name, p]) => [
        name,
        {
          issuer: p.settings.issuer,
          discovered: p.config !== undefined,
          failedAttempts: p.failedAttempts,
          ...(p.config ? {} : { lastError: p.lastError, nextAttemptAt: p.nextAttemptAt?.toISOString() }),
        },
      ]),
    );
  }

  /** The provider's authorization URL for this request, and what its callback will need. */
  async authorizationRequest(
    name: string,
    redirectUri: string,
  ): Promise<{ url: URL; pending: PendingAuthorization }> {
    const { settings, config } = this.discovered(name);
    const pending = {
      codeVerifier: client.randomPKCECodeVerifier(),
      state: client.randomState(),
      nonce: client.randomNonce(),
    };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: settings.scopes,
      code_challenge: await client.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url, pending };
  }

  /**
   * Redeems the code of a callback (`callbackUrl`: the redirect URI with the callback's query) and returns who
   * signed in, once every check passed. Throws an OidcError.
   */
  async redeem(name: string, callbackUrl: URL, pending: PendingAuthorization): Promise<ExternalProfile> {
    const { config } = this.discovered(name);
    try {
      const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new OidcError('refused', 'the token response carries no ID token');
      return toExternalProfile(claims);
    } catch (error) {
      throw toOidcError(error);
    }
  }

  private discovered(name: string): Required<Pick<Provider, 'settings' | 'config'>> {
    const provider = this.providers.get(name);
    if (!provider) throw new OidcError('unknown-provider', `no sign-in provider is named ${name}`);
    if (!provider.config) {
      throw new OidcError(
        'unavailable',
        `${name} is not discovered yet: ${provider.lastError ?? 'starting'}`,
      );
    }
    return { settings: provider.settings, config: provider.config };
  }

  /** Discovers a provider, retrying with backoff (OIDC_DISCOVERY_RETRY_*) until it works or the API stops. */
  private async discover(provider: Provider): Promise<void> {
    const { settings } = provider;
    const backoff = this.config.discoveryBackoff;
    const execute = [client.enableNonRepudiationChecks];
    // Validation allows http only for a loopback issuer.
    if (settings.insecure) execute.push(client.allowInsecureRequests);
    try {
      provider.config = await retry(
        async (attempt) => {
          try {
            return await client.discovery(
              new URL(settings.issuer),
              settings.clientId,
              settings.clientSecret,
              undefined,
              { execute, timeout: this.config.timeoutSeconds },
            );
          } catch (error) {
            const wait = backoffDelay(attempt, backoff);
            provider.failedAttempts = attempt;
            provider.lastError = toOidcError(error).message;
            provider.nextAttemptAt = new Date(Date.now() + wait);
            this.logger.warn(
              `provider ${settings.name}: discovery of ${settings.issuer} failed (attempt ${attempt}, next in ` +
                `${wait} ms): ${provider.lastError}`,
            );
            throw error;
          }
        },
        { ...backoff, attempts: Infinity, retryAfter: () => 0, signal: this.shutdown.signal },
      );
      provider.lastError = undefined;
      provider.nextAttemptAt = undefined;
      this.logger.log(`provider ${settings.name}: discovered ${settings.issuer}`);
    } catch {
      // Only shutdown ends the loop.
    }
  }
}
