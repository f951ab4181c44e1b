import { BadRequestException, Inject } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { Command, Option } from 'nest-commander';
import { AuditEntryView } from '../audit/audit-entry.view';
import { AuditLogService } from '../audit/audit-log.service';
import { AuditAction, AuditActorKind } from '../audit/schemas/audit-entry.schema';
import { toObjectId } from '../common/object-id';
import { usersConfig } from '../config/configuration';
import { AdminCommand } from './admin-command';
import { AUDIT } from './cli-manifest';
import { CliPrinter } from './cli-printer';
import { ExitCode } from './exit-code';

const DEFAULT_LIMIT = 50;

export interface AuditOptions {
  limit?: string;
  actor?: string;
  target?: string;
  cursor?: string;
}

@Command(AUDIT.command)
export class AuditCommand extends AdminCommand {
  constructor(
    private readonly audit: AuditLogService,
    private readonly out: CliPrinter,
    @Inject(usersConfig.KEY) private readonly config: ConfigType<typeof usersConfig>,
  ) {
    super();
  }

  async run(_args: string[], options: AuditOptions = {}): Promise<void> {
    process.exitCode = await this.execute(options);
  }

  @Option(AUDIT.options.limit)
  parseLimit(value: string): string {
    return value;
  }

  @Option(AUDIT.options.actor)
  parseActor(value: string): string {
    return value;
  }

  @Option(AUDIT.options.target)
  parseTarget(value: string): string {
    return value;
  }

  @Option(AUDIT.options.cursor)
  parseCursor(value: string): string {
    return value;
  }

  private async execute(options: AuditOptions): Promise<ExitCode> {
    const max = this.config.pageLimitMax;
    const limit = options.limit === undefined ? Math.min(DEFAULT_LIMIT, max) : Number(options.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > max) {
      return this.usageError(`--limit must be a whole number from 1 to ${max}`);
    }
    const actorId = options.actor === undefined ? undefined : toObjectId(options.actor);
    const targetUserId = options.target === undefined ? undefined : toObjectId(options.target);
    if ((options.actor !== undefined && !actorId) || (options.target !== undefined && !targetUserId)) {
      return this.usageError('--actor and --target take a user id (24 hex digits)');
    }
    let page: { items: AuditEntryView[]; next?: string };
    try {
      page = await this.audit.page({ actorId, targetUserId }, limit, options.cursor);
    } catch (error) {
      if (error instanceof BadRequestException)
        return this.usageError('--cursor is not one this command printed');
      throw error;
    }
    if (page.items.length === 0) this.out.line('No entries.');
    else this.out.table(['WHEN', 'WHO', 'ACTION', 'USER', 'DETAIL', 'REQUEST'], page.items.map(row));
    if (page.next) this.out.line(`More: audit --cursor ${page.next}`);
    this.out.result({ entries: page.items, next: page.next ?? null }, ExitCode.Ok);
    return ExitCode.Ok;
  }

  private usageError(message: string): ExitCode {
    this.out.error(message);
    this.out.error('Run "audit --help" for usage.');
    return ExitCode.Usage;
  }
}

const row = (e: AuditEntryView): string[] => [
  e.createdAt.toISOString(),
  e.actor.kind === AuditActorKind.Cli ? `cli (${e.actor.osUser ?? '?'})` : (e.actor.userId ?? '?'),
  e.action,
  e.targetUserId ?? '-',
  detail(e),
  e.requestId ?? '-',
];

function detail(e: AuditEntryView): string {
  const parts: string[] = [];
  if (e.role)
    parts.push(
      `role ${e.role}${e.previousRole && e.previousRole !== e.role ? ` (was ${e.previousRole})` : ''}`,
    );
  if (e.action === AuditAction.UserBan) parts.push(e.until ? `until ${e.until.toISOString()}` : 'permanent');
  if (e.flagId) parts.push(`flag ${e.flagId}`);
  if (e.reason) parts.push(`"${e.reason}"`);
  return parts.join(', ');
}
