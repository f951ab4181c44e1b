import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AuthenticatedRequest, AuthUser, JwtStrategy } from './jwt.strategy';

/**
 * Guards are built in every module that mounts a guarded controller (the CLI's too), where AuthModule's providers
 * cannot be injected: the strategy is looked up in the whole app on first use instead.
 */
@Injectable()
abstract class JwtGuard implements CanActivate {
  private strategy?: JwtStrategy;

  constructor(private readonly moduleRef: ModuleRef) {}

  abstract canActivate(context: ExecutionContext): Promise<boolean>;

  protected authenticate(context: ExecutionContext): Promise<AuthUser> {
    this.strategy ??= this.moduleRef.get(JwtStrategy, { strict: false });
    return this.strategy.authenticate(context.switchToHttp().getRequest<AuthenticatedRequest>());
  }
}

/** The one guard every protected route uses. Any authentication failure is a 401, never a 500. */
@Injectable()
export class JwtAuthGuard extends JwtGuard {
  async canActivate(context: ExecutionContext): Promise<boolean> {
    context.switchToHttp().getRequest<AuthenticatedRequest>().user = await this.authenticate(context);
    return true;
  }
}

/**
 * Authenticates when it can and lets the request through either way: logout must work (clear the cookie) for a
 * session that already ended. A failure other than a refused token (MongoDB down) still fails the request, so a
 * logout never silently leaves its session alive.
 */
@Injectable()
export class OptionalJwtAuthGuard extends JwtGuard {
  async canActivate(context: ExecutionContext): Promise<boolean> {
    try {
      context.switchToHttp().getRequest<AuthenticatedRequest>().user = await this.authenticate(context);
    } catch (error) {
      if (!(error instanceof UnauthorizedException)) throw error;
    }
    return true;
  }
}
