import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { authConfig } from '../config/configuration';
import { SessionUser, UsersService } from '../users/users.service';

export const AUTH_COOKIE = 'jwt';

export interface JwtPayload {
  userId: string;
}

const fromCookie = (req: Request): string | null => {
  const cookies = req.cookies as Record<string, unknown> | undefined;
  const token = cookies?.[AUTH_COOKIE];
  return typeof token === 'string' && token.length > 0 ? token : null;
};

/** Reads the `jwt` cookie (or a Bearer header), accepts only HS256, and refuses tokens of deleted users. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(
    @Inject(authConfig.KEY) config: ConfigType<typeof authConfig>,
    private readonly users: UsersService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromExtractors([fromCookie, ExtractJwt.fromAuthHeaderAsBearerToken()]),
      // passport-jwt hands the key to jsonwebtoken, which accepts a KeyObject (see authConfig.jwtKey).
      secretOrKey: config.jwtKey as unknown as string,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  async validate(payload: JwtPayload): Promise<SessionUser> {
    const user = typeof payload.userId === 'string' ? await this.users.findSessionUser(payload.userId) : null;
    if (!user) throw new UnauthorizedException('Unauthorized: User not found');
    return user;
  }
}
