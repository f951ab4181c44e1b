import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { authConfig } from '../config/configuration';
import { AUTH_COOKIE } from './auth-cookie';
import { JwtPayload, Principal } from './principal';
import { SessionsService } from './sessions.service';

const fromCookie = (req: Request): string | null => {
  const cookies = req.cookies as Record<string, unknown> | undefined;
  const token = cookies?.[AUTH_COOKIE];
  return typeof token === 'string' && token.length > 0 ? token : null;
};

/**
 * Reads the `jwt` cookie (or a Bearer header), accepts only HS256, and only while its session exists. The session
 * record is all it checks: ending an account ends its sessions. Tokens from before sessions (no `sid`) are
 * refused: their users sign in once more.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(
    @Inject(authConfig.KEY) config: ConfigType<typeof authConfig>,
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

  async validate(payload: JwtPayload & { exp?: number }): Promise<Principal> {
    const { userId, sid, exp } = payload;
    if (typeof userId !== 'string' || typeof sid !== 'string' || typeof exp !== 'number') {
      throw new UnauthorizedException('Unauthorized: Invalid token');
    }
    // Cached (USER_EXISTS_CACHE_MS): on the hot path a map read.
    if (!(await this.sessions.isActive(sid, userId))) {
      throw new UnauthorizedException('Unauthorized: Session ended, please sign in again');
    }
    return { id: userId, sessionId: sid, sessionExpiresAt: exp };
  }
}
