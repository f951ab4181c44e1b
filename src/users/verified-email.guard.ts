import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import type { Request } from 'express';
import { verificationConfig } from '../config/configuration';
import type { Principal } from '../identity/principal';
import { UsersService } from './users.service';

export const UNVERIFIED_EMAIL_MESSAGE =
  'Please verify your email address first: enter the code or open the link we mailed you ' +
  '(a new one: POST /api/auth/email/verification)';

/**
 * The social actions an unverified address keeps a user from under REQUIRE_VERIFIED_EMAIL=social or login
 * (sending friend requests, opening a direct channel, getting a chat token): 403 with the way out. Behind
 * JwtAuthGuard; under `off` it reads nothing. The verified state comes from the cached read the token route makes
 * anyway, so the hot path gains no query.
 */
@Injectable()
export class VerifiedEmailGuard implements CanActivate {
  constructor(
    private readonly users: UsersService,
    @Inject(verificationConfig.KEY) private readonly config: ConfigType<typeof verificationConfig>,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.config.requireVerifiedEmail === 'off') return true;
    const me = context.switchToHttp().getRequest<Request>().user as Principal | undefined;
    if (me && (await this.users.isEmailVerified(me.id))) return true;
    throw new ForbiddenException(UNVERIFIED_EMAIL_MESSAGE);
  }
}
