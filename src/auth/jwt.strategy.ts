import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import type { Request } from 'express';
import jwt from 'jsonwebtoken';
import { authConfig } from '../config/configuration';
import { SessionUser, UsersService } from '../users/users.service';
import { SessionsService } from './sessions.service';

export const AUTH_COOKIE = 'jwt';

export interface JwtPayload {
  userId: string;
  /** The session this token belongs to (`sessions` collection). */
  sid: string;
}

/** The user and the session an authenticated request runs as. */
export interface AuthUser extends SessionUser {
  sessionId: string;
  /** Seconds since the epoch: when the session (and its JWT) ends. */
  sessionExpiresAt: number;
}

/** A request JwtAuthGuard let through; `user` is undefined only behind OptionalJwtAuthGuard. */
export type AuthenticatedRequest = Request & { user: AuthUser };

/** The `jwt` cookie, else an `Authorization: Bearer <token>` header (scheme case-insensitive). */
function tokenFrom(req: Request): string | undefined {
  const cookie = (req.cookies as Record<string, unknown> | undefined)?.[AUTH_COOKIE];
  if (typeof cookie === 'string' && cookie.length > 0) return cookie;
  const [, scheme, token] = /(\S+)\s+(\S+)/.exec(req.headers.authorization ?? '') ?? [];
  return scheme?.toLowerCase() === 'bearer' ? token : undefined;
}

/**
 * Reads the `jwt` cookie (or a Bearer header), accepts only HS256 and unexpired tokens, and only while its session
 * exists and its user does. Tokens from before sessions (no `sid`) are refused: their users sign in once more.
 * jsonwebtoken directly rather than through Passport: on the token endpoint Passport's per-request strategy
 * wrapper and Nest's adapter around it were 4-6 % of the CPU (npm run bench:profile; bench:ab 0.92x CPU per
 * request without them).
 */
@Injectable()
export class JwtStrategy {
  constructor(
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
  ) {}

  /** The request's user and session, or a 401 saying why not; a database error goes through as it is. */
  async authenticate(req: Request): Promise<AuthUser> {
    const token = tokenFrom(req);
    if (!token) throw new UnauthorizedException('Unauthorized: No token provided');
    let payload: JwtPayload & { exp?: number };
    try {
      payload = jwt.verify(token, this.config.jwtKey, { algorithms: ['HS256'] }) as JwtPayload & {
        exp?: number;
      };
    } catch {
      throw new UnauthorizedException('Unauthorized: Invalid token');
    }
    return this.validate(payload);
  }

  async validate(payload: JwtPayload & { exp?: number }): Promise<AuthUser> {
    const { userId, sid, exp } = payload;
    if (typeof userId !== 'string' || typeof sid !== 'string' || typeof exp !== 'number') {
      throw new UnauthorizedException('Unauthorized: Invalid token');
    }
    // Both lookups are cached (USER_EXISTS_CACHE_MS): on the hot path they cost two map reads.
    const [user, active] = await Promise.all([
      this.users.findSessionUser(userId),
      this.sessions.isActive(sid, userId),
    ]);
    if (!user) throw new UnauthorizedException('Unauthorized: User not found');
    if (!active) throw new UnauthorizedException('Unauthorized: Session ended, please sign in again');
    return { ...user, sessionId: sid, sessionExpiresAt: exp };
  }
}
