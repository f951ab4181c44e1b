import { Injectable, Logger } from '@nestjs/common';
import { SessionsService } from '../identity/sessions.service';
import { BanRecord, Role } from '../users/standing';
import { UserStandingService } from '../users/user-standing.service';
import { StreamSyncService } from './stream-sync.service';

/**
 * Roles and bans, applied everywhere: stored on the account, pushed into Stream at once (the worker delivers
 * them later if Stream is down), and a ban ends the user's sessions on the spot. Who may do it is checked above.
 */
@Injectable()
export class AccountStandingService {
  private readonly logger = new Logger(AccountStandingService.name);

  constructor(
    private readonly standing: UserStandingService,
    private readonly sessions: SessionsService,
    private readonly sync: StreamSyncService,
  ) {}

  /** The role the user had before (the same when nothing changed), or null when there is no such user. */
  async setRole(id: string, role: Role): Promise<Role | null> {
    const previous = await this.standing.setRole(id, role);
    if (previous !== null && previous !== role) {
      this.logger.log(`user ${id}: role ${previous} -> ${role}`);
      await this.sync.pushNow(id);
    }
    return previous;
  }

  /** False when the user does not have that role (or does not exist). */
  async revokeRole(id: string, role: Role): Promise<boolean> {
    if (!(await this.standing.revokeRole(id, role))) return false;
    this.logger.log(`user ${id}: role ${role} revoked`);
    await this.sync.pushNow(id);
    return true;
  }

  /** False when there is no such user. Their sessions end before Stream is told: nothing acts for them from now. */
  async ban(id: string, ban: BanRecord): Promise<boolean> {
    if (!(await this.standing.recordBan(id, ban))) return false;
    const ended = await this.sessions.endAll(id);
    this.logger.log(`user ${id} banned by ${ban.bannedBy} (${ended} session(s) ended)`);
    await this.sync.pushNow(id);
    return true;
  }

  /** False when no ban was in force. */
  async unban(id: string): Promise<boolean> {
    if (!(await this.standing.liftBan(id))) return false;
    this.logger.log(`user ${id} unbanned`);
    await this.sync.pushNow(id);
    return true;
  }
}
