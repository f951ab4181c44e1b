import { Injectable, UnauthorizedException } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';

/** The one guard every protected route uses. Any authentication failure is a 401, never a 500. */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  handleRequest<TUser>(err: unknown, user: TUser | false, info: unknown): TUser {
    // passport-jwt reports bad tokens through `info`; `err` only carries what validate() threw.
    if (err) throw err instanceof Error ? err : new UnauthorizedException('Unauthorized: Invalid token');
    if (!user) {
      const noToken = info instanceof Error && info.message === 'No auth token';
      throw new UnauthorizedException(
        noToken ? 'Unauthorized: No token provided' : 'Unauthorized: Invalid token',
      );
    }
    return user;
  }
}

/**
 * Authenticates when it can and lets the request through either way: logout must work (clear the cookie) for a
 * session that already ended. A failure other than a refused token (MongoDB down) still fails the request, so a
 * logout never silently leaves its session alive.
 */
@Injectable()
export class OptionalJwtAuthGuard extends AuthGuard('jwt') {
  handleRequest<TUser>(err: unknown, user: TUser | false): TUser {
    if (err instanceof Error && !(err instanceof UnauthorizedException)) throw err;
    return (user || undefined) as TUser;
  }
}
