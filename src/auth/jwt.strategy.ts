import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { ExtractJwt, Strategy } from 'passport-jwt';
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

const fromCookie = (req: Request): string | null => {
  const cookies = req.cookies as Record<string, unknown> | undefined;
  const token = cookies?.[AUTH_COOKIE];
  return typeof token === 'string' && token.length > 0 ? token : null;
};

/**
 * Reads the `jwt` cookie (or a Bearer header), accepts only HS256, and only while its session exists and its
 * user does. Tokens from before sessions (no `sid`) are refused: their users sign in once more.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(
    @Inject(authConfig.KEY) config: ConfigType<typeof authConfig>,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromExtractors([fromCookie, ExtractJwt.fromAuthHeaderAsBearerToken()]),
      // passport-jwt hands the key to jsonwebtoken, which accepts a KeyObject (see authConfig.jwtKey).
      secretOrKey: config.jwtKey as unknown as string,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
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
