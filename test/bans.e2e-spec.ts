import { ForbiddenException } from '@nestjs/common';
import { Types } from 'mongoose';
import { StreamChat } from 'stream-chat';
import { ChatService } from '../src/chat/chat.service';
import { RolesService } from '../src/moderation/roles.service';
import { createTestApp, eventually, signUpOnboarded, SignedUpUser, TestApp } from './harness';

const CLI = { kind: 'cli', osUser: 'e2e' } as const;
const oid = (id: string) => new Types.ObjectId(id);

describe('Bans (POST /api/moderation/users/:id/ban and /unban)', () => {
  let t: TestApp;
  let roles: RolesService;
  let server: StreamChat;

  beforeAll(async () => {
    t = await createTestApp();
    roles = t.app.get(RolesService);
    server = new StreamChat(t.stream.apiKey, t.stream.apiSecret, { baseURL: t.stream.baseUrl });
  });
  afterEach(async () => {
    t.stream.faults.reset();
    await t.reset();
  });
  afterAll(() => t.close());

  const staff = async (role: 'moderator' | 'admin'): Promise<SignedUpUser> => {
    const user = await signUpOnboarded(t);
    await roles.grant(user.id, role, CLI);
    return user;
  };
  const ban = (by: SignedUpUser, target: string, body: object = { reason: 'spam' }) =>
    t.http().post(`/api/moderation/users/${target}/ban`).set('Cookie', by.cookie).send(body);
  const unban = (by: SignedUpUser, target: string) =>
    t.http().post(`/api/moderation/users/${target}/unban`).set('Cookie', by.cookie);
  const login = (user: SignedUpUser) =>
    t.http().post('/api/auth/login').send({ email: user.email, password: user.password });
  const stored = (id: string) => t.db.collection('users').findOne({ _id: oid(id) });
  const auditCount = () =>
    t.db.collection('auditlog').countDocuments({ action: { $in: ['user.ban', 'user.unban'] } });
  const bannedInStream = async (id: string) => {
    const { users } = await server.queryUsers({ id }, {}, {});
    return users[0]?.banned === true;
  };

  it("ends the victim's sessions at once, refuses sign-in (403) and chat tokens, and bans in Stream", async () => {
    const moderator = await staff('moderator');
    const victim = await signUpOnboarded(t);
    await t.http().get('/api/auth/me').set('Cookie', victim.cookie).expect(200);

    const res = await ban(moderator, victim.id, { reason: '  spam in every channel ' }).expect(200);

    expect(res.body).toEqual({
      userId: victim.id,
      banned: true,
      reason: 'spam in every channel',
      bannedBy: moderator.id,
      bannedAt: expect.any(String),
      until: null,
    });
    await t.http().get('/api/auth/me').set('Cookie', victim.cookie).expect(401);
    await t.http().get('/api/chats/token').set('Cookie', victim.cookie).expect(401);
    expect(await t.db.collection('sessions').countDocuments({ user: oid(victim.id) })).toBe(0);
    const refused = await login(victim).expect(403);
    expect(refused.body).toEqual({
      statusCode: 403,
      message: 'Account suspended permanently',
      error: 'Forbidden',
    });
    expect(await t.db.collection('sessions').countDocuments({ user: oid(victim.id) })).toBe(0);
    // A session that outlived the ban elsewhere (another instance's cache) still gets no chat token.
    const chat = t.app.get(ChatService);
    await expect(
      chat.issueToken({ id: victim.id, sessionId: new Types.ObjectId().toString(), sessionExpiresAt: 0 }),
    ).rejects.toBeInstanceOf(ForbiddenException);

    expect(await stored(victim.id)).toMatchObject({
      ban: { reason: 'spam in every channel', bannedBy: moderator.id, bannedAt: expect.any(Date) },
      syncPending: false,
      banSyncPending: false,
    });
    expect(t.stream.state.bans.get(victim.id)).toMatchObject({
      user_id: victim.id,
      banned_by_id: moderator.id,
      reason: 'spam in every channel',
    });
    expect(t.stream.state.bans.get(victim.id)).not.toHaveProperty('expires');
    expect(await auditCount()).toBe(1);
  });

  it('gives a timed ban an end: said at sign-in, timed out in Stream, and over by itself', async () => {
    const moderator = await staff('moderator');
    const victim = await signUpOnboarded(t);
    const res = await ban(moderator, victim.id, { reason: 'cool down', durationMinutes: 90 }).expect(200);
    const until = new Date(res.body.until as string);
    expect(until.getTime() - Date.parse(res.body.bannedAt as string)).toBe(90 * 60_000);

    expect((await login(victim).expect(403)).body.message).toBe(
      `Account suspended until ${until.toISOString()}`,
    );
    expect(t.stream.state.bans.get(victim.id)).toMatchObject({ timeout: 90 });
    expect(await bannedInStream(victim.id)).toBe(true);
    t.stream.clock.advance(90 * 60_000);
    expect(await bannedInStream(victim.id)).toBe(false);

    // Time passing for the app: the stored end is moved to just ahead, then reached. No job lifts the ban.
    await t.db
      .collection('users')
      .updateOne({ _id: oid(victim.id) }, { $set: { 'ban.until': new Date(Date.now() + 300) } });
    await login(victim).expect(403);
    await new Promise((r) => setTimeout(r, 400));
    await login(victim).expect(200);
    await unban(moderator, victim.id).expect(409); // nothing in force to lift
  });

  it('unbans everywhere: sign-in works again, Stream lifts its ban; unbanning again is 409', async () => {
    const moderator = await staff('moderator');
    const victim = await signUpOnboarded(t);
    await ban(moderator, victim.id).expect(200);
    expect(t.stream.state.bans.has(victim.id)).toBe(true);

    expect((await unban(moderator, victim.id).expect(200)).body).toEqual({
      userId: victim.id,
      banned: false,
    });
    expect(t.stream.state.bans.has(victim.id)).toBe(false);
    expect(await stored(victim.id)).not.toHaveProperty('ban');
    await login(victim).expect(200);
    await unban(moderator, victim.id).expect(409);
    expect(await auditCount()).toBe(2);
  });

  it('refuses, changing nothing: yourself, an admin (for a moderator), no reason, too long, an unknown user', async () => {
    const moderator = await staff('moderator');
    const admin = await staff('admin');
    const user = await signUpOnboarded(t);

    await ban(moderator, moderator.id).expect(400);
    expect((await ban(moderator, admin.id).expect(403)).body.message).toBe('Only an admin can ban an admin');
    await ban(moderator, user.id, {}).expect(400);
    await ban(moderator, user.id, { reason: ' ' }).expect(400);
    await ban(moderator, user.id, { reason: 'x', durationMinutes: 0 }).expect(400);
    await ban(moderator, user.id, { reason: 'x', durationMinutes: '10' }).expect(400);
    await ban(moderator, user.id, { reason: 'x', durationMinutes: 365 * 24 * 60 + 1 }).expect(400);
    await ban(moderator, user.id, { reason: 'x', until: '2030-01-01' }).expect(400);
    await ban(moderator, new Types.ObjectId().toString()).expect(404);
    await ban(moderator, 'not-an-id').expect(400);
    await unban(moderator, user.id).expect(409);

    expect(await auditCount()).toBe(0);
    expect(t.stream.state.bans.size).toBe(0);
    for (const u of [moderator, admin, user])
      await t.http().get('/api/auth/me').set('Cookie', u.cookie).expect(200);

    // An admin may ban a moderator (and an admin); the banned moderator loses the API with their sessions.
    await ban(admin, moderator.id).expect(200);
    await t.http().get('/api/moderation/flags').set('Cookie', moderator.cookie).expect(401);
    expect(await auditCount()).toBe(1);
  });

  it('applies a ban made while Stream is down once it is back (the sync worker), and the unban after it', async () => {
    const moderator = await staff('moderator');
    const victim = await signUpOnboarded(t);
    t.stream.faults.refuseConnections(true);

    await ban(moderator, victim.id).expect(200);
    await t.http().get('/api/auth/me').set('Cookie', victim.cookie).expect(401);
    await login(victim).expect(403);
    expect(await stored(victim.id)).toMatchObject({ syncPending: true, banSyncPending: true });
    expect(t.stream.state.bans.size).toBe(0);

    t.stream.faults.refuseConnections(false);
    await eventually(() => t.stream.state.bans.has(victim.id));
    await eventually(async () => (await stored(victim.id))?.syncPending === false);
    expect(await stored(victim.id)).toMatchObject({ banSyncPending: false });

    t.stream.faults.refuseConnections(true);
    await unban(moderator, victim.id).expect(200);
    await login(victim).expect(200);
    expect(t.stream.state.bans.has(victim.id)).toBe(true);
    t.stream.faults.refuseConnections(false);
    await eventually(() => !t.stream.state.bans.has(victim.id));
    await eventually(async () => (await stored(victim.id))?.banSyncPending === false);
  });
});
