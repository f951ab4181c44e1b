import { Injectable } from '@nestjs/common';
import { AccountStandingService } from '../accounts/account-standing.service';
import { AuditActor, AuditLogService } from '../audit/audit-log.service';
import { AuditAction } from '../audit/schemas/audit-entry.schema';
import { toObjectId } from '../common/object-id';
import { Role, StaffMember } from '../users/standing';
import { UserStandingService } from '../users/user-standing.service';
import { UsersService } from '../users/users.service';

/** The roles the admin CLI grants and revokes (`user` is what revoking leaves). */
export type GrantableRole = Exclude<Role, 'user'>;
export const GRANTABLE_ROLES: readonly GrantableRole[] = ['moderator', 'admin'];

export interface RoleChange {
  /** The user id, when the account was found. */
  userId?: string;
  status: 'granted' | 'revoked' | 'unchanged' | 'not-found';
  /** The role the account has now. */
  role?: Role;
  previousRole?: Role;
}

/**
 * Granting and revoking roles: the admin CLI's alone (no route sets a role). A change is applied through the
 * account (and Stream) and recorded in the audit log; a change that changes nothing records nothing.
 */
@Injectable()
export class RolesService {
  constructor(
    private readonly users: UsersService,
    private readonly standing: UserStandingService,
    private readonly accounts: AccountStandingService,
    private readonly audit: AuditLogService,
  ) {}

  /** A user id (24 hex digits), else an email. */
  async findUserId(who: string): Promise<string | null> {
    const id = toObjectId(who.trim());
    if (id) return (await this.users.exists(id)) ? id : null;
    return this.users.findIdByEmail(who.trim().toLowerCase());
  }

  async grant(who: string, role: GrantableRole, actor: AuditActor): Promise<RoleChange> {
    const userId = await this.findUserId(who);
    if (!userId) return { status: 'not-found' };
    const previousRole = await this.accounts.setRole(userId, role);
    if (previousRole === null) return { status: 'not-found' };
    if (previousRole === role) return { userId, status: 'unchanged', role, previousRole };
    await this.audit.record(actor, {
      action: AuditAction.RoleGrant,
      targetUserId: userId,
      role,
      previousRole,
    });
    return { userId, status: 'granted', role, previousRole };
  }

  /** Only the role named is revoked: revoking `moderator` from an admin changes nothing. */
  async revoke(who: string, role: GrantableRole, actor: AuditActor): Promise<RoleChange> {
    const userId = await this.findUserId(who);
    if (!userId) return { status: 'not-found' };
    if (!(await this.accounts.revokeRole(userId, role))) {
      const current = await this.standing.findStanding(userId);
      if (!current) return { status: 'not-found' };
      return { userId, status: 'unchanged', role: current.role, previousRole: current.role };
    }
    await this.audit.record(actor, {
      action: AuditAction.RoleRevoke,
      targetUserId: userId,
      role,
      previousRole: role,
    });
    return { userId, status: 'revoked', role: 'user', previousRole: role };
  }

  list(): Promise<StaffMember[]> {
    return this.standing.listStaff();
  }
}
