import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Inject,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { AccountStandingService } from '../accounts/account-standing.service';
import { AuditEntryView } from '../audit/audit-entry.view';
import { AuditLogService } from '../audit/audit-log.service';
import { AuditAction } from '../audit/schemas/audit-entry.schema';
import { OBJECT_ID_PATTERN } from '../common/object-id';
import { Page, pageLimit } from '../common/page-cursor';
import { moderationConfig, usersConfig } from '../config/configuration';
import { ModerationFlagsService } from '../flags/moderation-flags.service';
import { DEFAULT_PAGE_LIMIT } from '../users/dto/page-query.dto';
import { Standing } from '../users/standing';
import { UserStandingService } from '../users/user-standing.service';
import { UsersService } from '../users/users.service';
import { BanDto } from './dto/ban.dto';
import { AuditQueryDto, FlagsQueryDto } from './dto/moderation-query.dto';
import { BanView, FlagView, toBanView, toFlagView, UnbanView } from './moderation.views';

/**
 * What moderators and admins do through the API (RoleGuard has let them in): review and resolve flags, ban and
 * unban; admins also read the audit log. Every action is recorded in the audit log once it is done.
 */
@Injectable()
export class ModerationService {
  constructor(
    private readonly flags: ModerationFlagsService,
    private readonly users: UsersService,
    private readonly standing: UserStandingService,
    private readonly accounts: AccountStandingService,
    private readonly audit: AuditLogService,
    @Inject(usersConfig.KEY) private readonly paging: ConfigType<typeof usersConfig>,
    @Inject(moderationConfig.KEY) private readonly config: ConfigType<typeof moderationConfig>,
  ) {}

  async listFlags(query: FlagsQueryDto): Promise<Page<FlagView[]>> {
    const filter = { status: query.status, targetUserId: query.userId, kind: query.kind };
    const page = await this.flags.page(filter, this.limit(query.limit), query.cursor);
    const ids = [...new Set(page.items.map((f) => f.targetUserId))].filter((id) =>
      OBJECT_ID_PATTERN.test(id),
    );
    const profiles = await this.users.findPublicProfiles(ids);
    return {
      items: page.items.map((f) => toFlagView(f, profiles.get(f.targetUserId) ?? null)),
      next: page.next,
    };
  }

  async resolveFlag(me: string, flagId: string, note: string): Promise<FlagView> {
    const outcome = await this.flags.resolve(flagId, me, note);
    if ('failure' in outcome) {
      if (outcome.failure === 'not-found') throw new NotFoundException('Flag not found');
      throw new ConflictException('Flag already resolved');
    }
    const flag = outcome.resolved;
    await this.audit.record(
      { kind: 'user', userId: me },
      { action: AuditAction.FlagResolve, flagId, targetUserId: flag.targetUserId, reason: note },
    );
    const user = OBJECT_ID_PATTERN.test(flag.targetUserId)
      ? await this.users.findPublicProfile(flag.targetUserId)
      : null;
    return toFlagView(flag, user);
  }

  /** Every check comes before the first write: a refused ban changes nothing. */
  async ban(me: string, target: string, dto: BanDto): Promise<BanView> {
    if (me === target) throw new BadRequestException("You can't ban yourself");
    if (dto.durationMinutes !== undefined && dto.durationMinutes > this.config.banMaxMinutes) {
      throw new BadRequestException(
        `durationMinutes must not be greater than ${this.config.banMaxMinutes}; leave it out for a permanent ban`,
      );
    }
    await this.assertMayModerate(me, await this.standingOf(target), 'ban');
    const bannedAt = new Date();
    const until = dto.durationMinutes
      ? new Date(bannedAt.getTime() + dto.durationMinutes * 60_000)
      : undefined;
    const ban = { reason: dto.reason, bannedBy: me, bannedAt, ...(until ? { until } : {}) };
    if (!(await this.accounts.ban(target, ban))) throw new NotFoundException('User not found');
    await this.audit.record(
      { kind: 'user', userId: me },
      { action: AuditAction.UserBan, targetUserId: target, reason: dto.reason, until },
    );
    return toBanView(target, ban);
  }

  async unban(me: string, target: string): Promise<UnbanView> {
    const them = await this.standingOf(target);
    if (!them.ban) throw new ConflictException('User is not banned');
    await this.assertMayModerate(me, them, 'unban');
    if (!(await this.accounts.unban(target))) throw new ConflictException('User is not banned');
    await this.audit.record(
      { kind: 'user', userId: me },
      { action: AuditAction.UserUnban, targetUserId: target },
    );
    return { userId: target, banned: false };
  }

  readAudit(query: AuditQueryDto): Promise<Page<AuditEntryView[]>> {
    const filter = { actorId: query.actorId, targetUserId: query.targetUserId };
    return this.audit.page(filter, this.limit(query.limit), query.cursor);
  }

  private async standingOf(id: string): Promise<Standing> {
    const standing = await this.standing.findStanding(id);
    if (!standing) throw new NotFoundException('User not found');
    return standing;
  }

  /** Admins are above moderators: only an admin bans or unbans an admin. */
  private async assertMayModerate(me: string, them: Standing, action: 'ban' | 'unban'): Promise<void> {
    if (them.role !== 'admin') return;
    if ((await this.standing.findStanding(me))?.role !== 'admin')
      throw new ForbiddenException(`Only an admin can ${action} an admin`);
  }

  private limit(requested: number | undefined): number {
    return pageLimit(requested, DEFAULT_PAGE_LIMIT, this.paging.pageLimitMax);
  }
}
