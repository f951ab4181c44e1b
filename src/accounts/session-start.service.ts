import { Injectable } from '@nestjs/common';
import type { AssuranceLevel } from '../identity/schemas/session.schema';
import { SessionsService } from '../identity/sessions.service';
import { SessionTokens } from '../identity/session-tokens.service';
import { PendingSignInsService } from '../second-factors/pending-sign-ins.service';
import type { FactorKind } from '../second-factors/second-factor.view';
import { UserStandingService } from '../users/user-standing.service';
import { SignInFactorsService } from './sign-in-factors.service';

/**
 * How the last step of a sign-in ended: a session's JWT; refused because the account is banned; or, for a user
 * with a second factor, a pending sign-in (its token for the `mfa_pending` cookie) that only the challenge
 * finishes.
 */
export type SessionStarted =
  { outcome: 'started'; token: string; sessionId: string } | { outcome: 'suspended'; message: string };
export type SessionStart =
  SessionStarted | { outcome: 'second-factor'; pendingToken: string; factors: FactorKind[] };

/**
 * The last step of every sign-in (password, OpenID Connect, a second factor), once whatever proves who the user
 * is has passed. A user with a second factor gets no session from a first factor alone: a pending sign-in
 * instead, which POST /api/auth/mfa/challenge turns into an aal2 session (startVerifiedSession). A banned account
 * gets no session: the ban is read once the session exists, so a ban stored before this read refuses it here, and
 * one stored after it ends every session of the user, this one included.
 */
@Injectable()
export class SessionStartService {
  constructor(
    private readonly tokens: SessionTokens,
    private readonly sessions: SessionsService,
    private readonly standing: UserStandingService,
    private readonly factors: SignInFactorsService,
    private readonly pending: PendingSignInsService,
  ) {}

  /**
   * One factor passed (a password, a provider): a session, or the second step when the user has a factor. The
   * factors are read again once the session exists (as the ban is): a factor activated meanwhile ends every other
   * session after its write, so either that ends this one, or this read sees the factor and ends it here.
   */
  async startSession(userId: string, userAgent: string | undefined): Promise<SessionStart> {
    const factors = await this.factors.factorsOf(userId);
    if (factors.length > 0) return this.pendingStep(userId, factors);
    const started = await this.start(userId, userAgent, 'aal1');
    if (started.outcome !== 'started') return started;
    const activatedMeanwhile = await this.factors.factorsOf(userId);
    if (activatedMeanwhile.length === 0) return started;
    await this.sessions.end(userId, started.sessionId);
    return this.pendingStep(userId, activatedMeanwhile);
  }

  /** A second factor passed (or a passkey, which is two on its own): an aal2 session. */
  startVerifiedSession(userId: string, userAgent: string | undefined): Promise<SessionStarted> {
    return this.start(userId, userAgent, 'aal2');
  }

  private async pendingStep(userId: string, factors: FactorKind[]): Promise<SessionStart> {
    return { outcome: 'second-factor', pendingToken: await this.pending.begin(userId), factors };
  }

  private async start(
    userId: string,
    userAgent: string | undefined,
    aal: AssuranceLevel,
  ): Promise<SessionStarted> {
    const { token, sessionId } = await this.tokens.startSession(userId, userAgent, aal);
    const ban = (await this.standing.findStanding(userId))?.ban;
    if (!ban) return { outcome: 'started', token, sessionId };
    await this.sessions.endAll(userId);
    const until = ban.until ? `until ${ban.until.toISOString()}` : 'permanently';
    return { outcome: 'suspended', message: `Account suspended ${until}` };
  }
}
