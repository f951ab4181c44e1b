import type { SessionsService } from '../identity/sessions.service';
import type { SessionTokens } from '../identity/session-tokens.service';
import type { PendingSignInsService } from '../second-factors/pending-sign-ins.service';
import type { FactorKind } from '../second-factors/second-factor.view';
import type { UserStandingService } from '../users/user-standing.service';
import { SessionStartService } from './session-start.service';
import type { SignInFactorsService } from './sign-in-factors.service';

const userId = '64f000000000000000000001';

/** The service over stand-ins: `factorReads` are what successive "which factors" reads answer. */
function setup(factorReads: FactorKind[][]) {
  const live = new Set<string>();
  let n = 0;
  const tokens = {
    startSession: () => {
      const sessionId = `s${++n}`;
      live.add(sessionId);
      return Promise.resolve({ token: `jwt-${sessionId}`, sessionId });
    },
  };
  const sessions = { end: (_u: string, sid: string) => Promise.resolve(live.delete(sid)) };
  const factors = { factorsOf: () => Promise.resolve(factorReads.shift() ?? []) };
  const service = new SessionStartService(
    tokens as unknown as SessionTokens,
    sessions as unknown as SessionsService,
    { findStanding: () => Promise.resolve(null) } as unknown as UserStandingService,
    factors as unknown as SignInFactorsService,
    { begin: () => Promise.resolve('pending-token') } as unknown as PendingSignInsService,
  );
  return { service, live };
}

describe('SessionStartService', () => {
  it('starts a session for a user without a second factor', async () => {
    const { service, live } = setup([[], []]);
    await expect(service.startSession(userId, undefined)).resolves.toMatchObject({ outcome: 'started' });
    expect(live.size).toBe(1);
  });

  it('starts no session, only a pending sign-in, for a user with a second factor', async () => {
    const { service, live } = setup([['totp', 'recovery_code']]);
    await expect(service.startSession(userId, undefined)).resolves.toEqual({
      outcome: 'second-factor',
      pendingToken: 'pending-token',
      factors: ['totp', 'recovery_code'],
    });
    expect(live.size).toBe(0);
  });

  it('ends the new session when a factor was activated while it started (no aal1 session survives)', async () => {
    const { service, live } = setup([[], ['totp', 'recovery_code']]);
    await expect(service.startSession(userId, undefined)).resolves.toMatchObject({
      outcome: 'second-factor',
    });
    expect(live.size).toBe(0);
  });
});
