import { CanActivate, ExecutionContext, ForbiddenException, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Principal } from '../identity/principal';
import { Role } from '../users/standing';
import { UserStandingService } from '../users/user-standing.service';

const MIN_ROLE = 'moderation:minRole';
const RANK: Record<Role, number> = { user: 0, moderator: 1, admin: 2 };

/** The least role a route needs (an admin may do what a moderator may); the method's wins over the class's. */
export const RequireRole = (role: Exclude<Role, 'user'>) => SetMetadata(MIN_ROLE, role);

/**
 * Behind JwtAuthGuard: 403 unless the signed-in user's role, read from the account on every request (a revoked
 * role counts at once), is at least the one the route requires.
 */
@Injectable()
export class RoleGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly standing: UserStandingService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const needed = this.reflector.getAllAndOverride<Exclude<Role, 'user'>>(MIN_ROLE, [
      context.getHandler(),
      context.getClass(),
    ]);
    const me = context.switchToHttp().getRequest<Request>().user as Principal;
    const role = (await this.standing.findStanding(me.id))?.role ?? 'user';
    if (RANK[role] < RANK[needed]) {
      throw new ForbiddenException(needed === 'admin' ? 'Admins only' : 'Moderators and admins only');
    }
    return true;
  }
}
