import proxyAddr from 'proxy-addr';
import { ValidateBy } from 'class-validator';

/** Express's "trust proxy" as TRUST_PROXY sets it: off, a hop count, or the proxies' addresses and subnets. */
export type TrustProxy = false | number | string[];

/**
 * Parses TRUST_PROXY, or returns undefined when it is not one of the forms above. `true` is refused: it trusts
 * every address in X-Forwarded-For, so any client picks its own and passes every per-client limit.
 */
export function parseTrustProxy(value: string): TrustProxy | undefined {
  const v = value.trim();
  if (v === '' || v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  const proxies = v.split(',').map((p) => p.trim());
  try {
    // Express compiles the same list with the same library (proxy-addr): refused here, not at the first request.
    proxyAddr.compile(proxies);
    return proxies;
  } catch {
    return undefined;
  }
}

export const IsTrustProxy = () =>
  ValidateBy({
    name: 'isTrustProxy',
    validator: {
      validate: (value) => typeof value === 'string' && parseTrustProxy(value) !== undefined,
      defaultMessage: () =>
        'must list the proxies in front (addresses, subnets such as 10.0.0.0/8, loopback, uniquelocal; ' +
        'comma-separated) or a hop count; "true" would let any client choose its address',
    },
  });

/** The start-up warning for a hop count: with fewer proxies in front than counted, clients choose their address. */
export const hopCountWarning = (trustProxy: TrustProxy): string | undefined =>
  typeof trustProxy === 'number' && trustProxy > 0
    ? `TRUST_PROXY=${trustProxy} trusts that many hops whatever sends them: a client reaching the API with fewer ` +
      'proxies in front picks its own address (X-Forwarded-For) and passes every per-client limit; list the ' +
      "proxies' addresses or subnets instead (docs/configuration.md)"
    : undefined;
