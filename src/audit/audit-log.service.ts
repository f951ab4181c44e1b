import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { currentRequestId } from '../common/request-id';
import { decodePosition, newestFirstAfter, newestFirstPage, Page } from '../common/page-cursor';
import { AuditEntryRecord, AuditEntryView, toAuditEntryView } from './audit-entry.view';
import { AuditAction, AuditActorKind, AuditEntry } from './schemas/audit-entry.schema';

/** Who acted: a signed-in moderator or admin, or the admin CLI run by an OS user. */
export type AuditActor = { kind: 'user'; userId: string } | { kind: 'cli'; osUser: string };

/** What happened; who and the request id are filled in by `record`. */
export interface AuditEvent {
  action: AuditAction;
  targetUserId?: string;
  flagId?: string;
  role?: string;
  previousRole?: string;
  until?: Date;
  reason?: string;
}

export interface AuditFilter {
  actorId?: string;
  targetUserId?: string;
}

/**
 * Owns `auditlog`, append-only: it records and reads, nothing else (the schema refuses updates and deletes too).
 * Entries outlive the accounts they name.
 */
@Injectable()
export class AuditLogService {
  private readonly logger = new Logger(AuditLogService.name);

  constructor(@InjectModel(AuditEntry.name) private readonly entries: Model<AuditEntry>) {}

  async record(actor: AuditActor, event: AuditEvent): Promise<void> {
    const who =
      actor.kind === 'user'
        ? { actorKind: AuditActorKind.User, actorId: actor.userId }
        : { actorKind: AuditActorKind.Cli, osUser: actor.osUser };
    await this.entries.create({ ...who, ...event, requestId: currentRequestId() });
    const by = actor.kind === 'user' ? `user ${actor.userId}` : `cli (${actor.osUser})`;
    this.logger.log(
      `audit: ${event.action} by ${by}${event.targetUserId ? ` on user ${event.targetUserId}` : ''}`,
    );
  }

  /** One page, newest first; `cursor` is where the previous page ended (400 if it is not one). */
  async page(filter: AuditFilter, limit: number, cursor?: string): Promise<Page<AuditEntryView[]>> {
    const match: Record<string, unknown> = {};
    if (filter.actorId) match.actorId = filter.actorId;
    if (filter.targetUserId) match.targetUserId = filter.targetUserId;
    const docs = await this.entries
      .find(cursor === undefined ? match : { $and: [match, newestFirstAfter(decodePosition(cursor))] })
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit + 1)
      .lean<AuditEntryRecord[]>()
      .exec();
    const page = newestFirstPage(docs, limit);
    return { items: page.items.map(toAuditEntryView), next: page.next };
  }
}
