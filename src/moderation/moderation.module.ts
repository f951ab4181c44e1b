import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AuditModule } from '../audit/audit.module';
import { FlagsModule } from '../flags/flags.module';
import { IdentityModule } from '../identity/identity.module';
import { UsersModule } from '../users/users.module';
import { ModerationController } from './moderation.controller';
import { ModerationService } from './moderation.service';
import { RoleGuard } from './role.guard';
import { RolesService } from './roles.service';

/**
 * Moderation: the moderator API (`/api/moderation`: flags, bans, the audit log for admins) and the role changes
 * the admin CLI makes (RolesService). Each action is applied through accounts/ and recorded in audit/.
 */
@Module({
  imports: [UsersModule, AccountsModule, IdentityModule, FlagsModule, AuditModule],
  controllers: [ModerationController],
  providers: [ModerationService, RolesService, RoleGuard],
  exports: [RolesService],
})
export class ModerationModule {}
