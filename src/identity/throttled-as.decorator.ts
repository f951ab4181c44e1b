import { SkipThrottle } from '@nestjs/throttler';

/** The per-client limits AuthThrottleModule registers (THROTTLE_*_LIMIT per THROTTLE_TTL_SECONDS). */
export const AUTH_THROTTLERS = ['login', 'signup', 'password-reset', 'email-verification'] as const;
export type AuthThrottlerName = (typeof AUTH_THROTTLERS)[number];

/**
 * The one per-client limit a route behind AuthThrottlerGuard counts against: the guard applies every registered
 * limit unless told to skip it, so a new limit cannot silently start counting on the existing routes.
 */
export const ThrottledAs = (name: AuthThrottlerName): MethodDecorator & ClassDecorator =>
  SkipThrottle(Object.fromEntries(AUTH_THROTTLERS.filter((n) => n !== name).map((n) => [n, true])));
