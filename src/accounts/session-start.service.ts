import { Injectable } from '@nestjs/common';
import { SessionsService } from '../identity/sessions.service';
import { SessionTokens } from '../identity/session-tokens.service';
import { UserStandingService } from '../users/user-standing.service';

/** How the last step of a sign-in ended: a session's JWT, or refused because the account is banned. */
export type SessionStart = { outcome: 'started'; token: string } | { outcome: 'suspended'; message: string };

/**
 * The last step of every sign-in (password, OpenID Connect; a second factor adds its own step before it), once
 * whatever proves who the user is has passed. A banned account gets no session: the ban is read once the session
 * exists, so a ban stored before this read refuses it here, and one stored after it ends every session of the
 * user, this one included.
 */
@Injectable()
export class SessionStartService {
  constructor(
    private readonly tokens: SessionTokens,
    private readonly sessions: SessionsService,
    private readonly standing: UserStandingService,
  ) {}

  async startSession(userId: string, userAgent: string | undefined): Promise<SessionStart> {
    const token = await this.tokens.startSession(userId, userAgent);
    const ban = (await this.standing.findStanding(userId))?.ban;
    if (!ban) return { outcome: 'started', token };
    await this.sessions.endAll(userId);
    const until = ban.until ? `until ${ban.until.toISOString()}` : 'permanently';
    return { outcome: 'suspended', message: `Account suspended ${until}` };
  }
}
