import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { JwtPayload } from './principal';
import type { AssuranceLevel } from './schemas/session.schema';
import { SessionsService } from './sessions.service';

/** Starts sessions: a session record and its JWT, which carries the session id and expires with it. */
@Injectable()
export class SessionTokens {
  constructor(
    private readonly sessions: SessionsService,
    private readonly jwt: JwtService,
  ) {}

  /** The JWT of a new session of this user (same iat base as the record, so both end at the same instant). */
  async startSession(
    userId: string,
    userAgent: string | undefined,
    aal: AssuranceLevel,
  ): Promise<{ token: string; sessionId: string }> {
    const session = await this.sessions.start(userId, userAgent, aal);
    const payload: JwtPayload & { iat: number } = {
      userId,
      sid: session.id,
      iat: Math.floor(session.createdAt.getTime() / 1000),
    };
    return { token: this.jwt.sign(payload), sessionId: session.id };
  }
}
