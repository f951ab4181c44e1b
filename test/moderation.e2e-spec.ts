import { createHmac, randomUUID } from 'node:crypto';
import { getModelToken } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { AuditEntry } from '../src/audit/schemas/audit-entry.schema';
import { RolesService } from '../src/moderation/roles.service';
import {
  authCookie,
  createTestApp,
  eventually,
  onboardingBody,
  publicProfileOf,
  SignedUpUser,
  signUp,
  signUpOnboarded,
  TestApp,
} from './harness';

const CLI = { kind: 'cli', osUser: 'e2e' } as const;
const oid = (id: string) => new Types.ObjectId(id);

describe('Moderation (/api/moderation): flags, roles and the audit log', () => {
  let t: TestApp;
  let roles: RolesService;

  beforeAll(async () => {
    t = await createTestApp();
    roles = t.app.get(RolesService);
  });
  afterEach(() => t.reset());
  afterAll(() => t.close());

  const as = (user: SignedUpUser) => ({
    get: (path: string) => t.http().get(`/api/${path}`).set('Cookie', user.cookie),
    post: (path: string) => t.http().post(`/api/${path}`).set('Cookie', user.cookie),
  });
  const audit = () => t.db.collection('auditlog');
  const flags = () => t.db.collection('moderationflags');

  const staff = async (role: 'moderator' | 'admin'): Promise<SignedUpUser> => {
    const user = await signUpOnboarded(t);
    await roles.grant(user.email, role, CLI);
    return user;
  };

  /** Stream's `user.flagged` webhook call, signed with the app secret, as Stream sends it. */
  const flagByWebhook = async (target: SignedUpUser, by: SignedUpUser, reason = 'spam') => {
    const body = JSON.stringify({
      type: 'user.flagged',
      user: { id: by.id },
      target_user: { id: target.id },
      reason,
      created_at: new Date().toISOString(),
    });
    const before = await flags().countDocuments();
    await t
      .http()
      .post('/api/stream/webhook')
      .set('Content-Type', 'application/json')
      .set('X-Webhook-Id', randomUUID())
      .set('X-Signature', createHmac('sha256', t.stream.apiSecret).update(body).digest('hex'))
      .send(body)
      .expect(200);
    await eventually(async () => (await flags().countDocuments()) === before + 1);
  };

  /** Every operation of the moderator API in the OpenAPI document, with a concrete path and a valid body. */
  const moderationRoutes = async () => {
    const { paths } = (await t.http().get('/api/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    return Object.entries(paths)
      .filter(([path]) => path.startsWith('/api/moderation/'))
      .flatMap(([path, ops]) =>
        Object.keys(ops).map((method) => ({
          method: method as 'get' | 'post',
          path: path.replace('{id}', new Types.ObjectId().toString()),
          body: path.endsWith('/ban') ? { reason: 'spam' } : path.endsWith('/resolve') ? { note: 'ok' } : {},
        })),
      );
  };

  it('documents the moderator API in the OpenAPI document', async () => {
    const routes = await moderationRoutes();
    expect(routes.map((r) => `${r.method} ${r.path.replace(/[0-9a-f]{24}/, ':id')}`).sort()).toEqual([
      'get /api/moderation/audit',
      'get /api/moderation/flags',
      'post /api/moderation/flags/:id/resolve',
      'post /api/moderation/users/:id/ban',
      'post /api/moderation/users/:id/unban',
    ]);
  });

  it('answers 403 to a plain user and 401 without a session on every moderation route, changing nothing', async () => {
    const user = await signUpOnboarded(t);
    const victim = await signUpOnboarded(t);
    for (const route of await moderationRoutes()) {
      const path = route.path.replace(/users\/[0-9a-f]{24}/, `users/${victim.id}`);
      const refused = await t.http()[route.method](path).set('Cookie', user.cookie).send(route.body);
      expect({ path, status: refused.status, body: refused.body as unknown }).toEqual({
        path,
        status: 403,
        body: { statusCode: 403, message: expect.any(String), error: 'Forbidden' },
      });
      await t.http()[route.method](path).send(route.body).expect(401);
    }
    expect(await audit().countDocuments()).toBe(0);
    expect(await t.db.collection('users').findOne({ _id: oid(victim.id) })).not.toHaveProperty('ban');
    await t.http().get('/api/auth/me').set('Cookie', victim.cookie).expect(200);
  });

  it('lists the flags signed webhooks reported, newest first, paged, filtered, with public profiles', async () => {
    const moderator = await staff('moderator');
    const [ana, bo, reporter] = [
      await signUpOnboarded(t),
      await signUpOnboarded(t),
      await signUpOnboarded(t),
    ];
    await flagByWebhook(ana, reporter, 'first');
    await flagByWebhook(bo, reporter, 'second');
    await flagByWebhook(ana, reporter, 'third');

    const first = await as(moderator).get('moderation/flags?limit=2').expect(200);
    expect(first.body.map((f: { reason: string }) => f.reason)).toEqual(['third', 'second']);
    expect(first.body[0]).toEqual({
      _id: expect.any(String),
      kind: 'user.flagged',
      status: 'open',
      targetUserId: ana.id,
      user: publicProfileOf(ana),
      flaggedBy: reporter.id,
      reason: 'third',
      messageId: null,
      messageText: null,
      channelCid: null,
      createdAt: expect.any(String),
      resolvedAt: null,
      resolvedBy: null,
      resolutionNote: null,
    });
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.link)?.[1];
    expect(next).toMatch(/^\/api\/moderation\/flags\?limit=2&cursor=/);
    const second = await t.http().get(next!).set('Cookie', moderator.cookie).expect(200);
    expect(second.body.map((f: { reason: string }) => f.reason)).toEqual(['first']);
    expect(second.headers.link).toBeUndefined();

    const onlyAna = await as(moderator)
      .get(`moderation/flags?userId=${ana.id}&kind=user.flagged`)
      .expect(200);
    expect(onlyAna.body.map((f: { reason: string }) => f.reason)).toEqual(['third', 'first']);
    await as(moderator).get('moderation/flags?status=closed').expect(400);
    await as(moderator).get('moderation/flags?cursor=bm90LWEtY3Vyc29y').expect(400);
  });

  it('resolves a flag once, with a note, recorded once in the audit log; again is 409', async () => {
    const moderator = await staff('moderator');
    const [target, reporter] = [await signUpOnboarded(t), await signUpOnboarded(t)];
    await flagByWebhook(target, reporter);
    const [flag] = (await as(moderator).get('moderation/flags').expect(200)).body as { _id: string }[];
    const auditBefore = await audit().countDocuments();

    await as(moderator).post(`moderation/flags/${flag._id}/resolve`).send({}).expect(400);
    const res = await as(moderator)
      .post(`moderation/flags/${flag._id}/resolve`)
      .send({ note: '  warned them  ' })
      .expect(200);
    expect(res.body).toMatchObject({
      _id: flag._id,
      status: 'resolved',
      resolvedBy: moderator.id,
      resolutionNote: 'warned them',
      resolvedAt: expect.any(String),
    });
    await as(moderator).post(`moderation/flags/${flag._id}/resolve`).send({ note: 'again' }).expect(409);
    await as(moderator)
      .post(`moderation/flags/${new Types.ObjectId().toString()}/resolve`)
      .send({ note: 'x' })
      .expect(404);

    expect(await flags().findOne({ _id: oid(flag._id) })).toMatchObject({ resolutionNote: 'warned them' });
    expect(
      await audit()
        .find({}, { projection: { _id: 0, createdAt: 0 } })
        .skip(auditBefore)
        .toArray(),
    ).toEqual([
      {
        actorKind: 'user',
        actorId: moderator.id,
        action: 'flag.resolve',
        flagId: flag._id,
        targetUserId: target.id,
        reason: 'warned them',
        requestId: expect.any(String),
      },
    ]);
    const open = await as(moderator).get('moderation/flags?status=open').expect(200);
    const resolved = await as(moderator).get('moderation/flags?status=resolved').expect(200);
    expect([open.body.length, resolved.body.length]).toEqual([0, 1]);
  });

  it('grants roles through the CLI service only: no route sets one, whatever the body or query says', async () => {
    const user = await signUp(t);
    const { paths } = (await t.http().get('/api/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const statuses = new Set<number>();
    for (const [path, ops] of Object.entries(paths)) {
      for (const method of Object.keys(ops) as ('get' | 'post' | 'put' | 'delete')[]) {
        const url = `${path.replace(/\{\w+\}/g, user.id)}?role=admin`;
        const res = await t
          .http()
          [method](url)
          .set('Cookie', user.cookie)
          .send({ ...onboardingBody(), role: 'admin', user: { role: 'admin' } });
        statuses.add(res.status);
      }
    }
    expect(statuses.has(500)).toBe(false);
    // Some of those routes signed the user out (logout): a new session for the last check.
    const signedIn = await t
      .http()
      .post('/api/auth/login')
      .send({ email: user.email, password: user.password });
    await t
      .http()
      .put('/api/auth/onboarding')
      .set('Cookie', authCookie(signedIn))
      .send({ ...onboardingBody(), role: 'admin' })
      .expect(400);
    const stored = await t.db.collection('users').findOne({ _id: oid(user.id) });
    expect(stored?.role ?? 'user').toBe('user');
    expect(t.stream.state.users.get(user.id)?.role ?? 'user').toBe('user');
  });

  it('mirrors a role into Stream on every push, and a revoked role counts at the next request', async () => {
    const user = await signUpOnboarded(t);
    expect(await roles.grant(user.email.toUpperCase(), 'moderator', CLI)).toMatchObject({
      status: 'granted',
      userId: user.id,
      previousRole: 'user',
    });
    expect(t.stream.state.users.get(user.id)?.role).toBe('moderator');
    expect((await as(user).get('auth/me').expect(200)).body.user.role).toBe('moderator');
    await as(user).get('moderation/flags').expect(200);
    await as(user).get('moderation/audit').expect(403);

    // A profile change pushes the role again (an upsert would otherwise reset it to Stream's default).
    await t.http().put('/api/auth/onboarding').set('Cookie', user.cookie).send(onboardingBody()).expect(200);
    expect(t.stream.state.users.get(user.id)?.role).toBe('moderator');

    expect(await roles.grant(user.id, 'moderator', CLI)).toMatchObject({ status: 'unchanged' });
    expect(await roles.revoke(user.id, 'admin', CLI)).toMatchObject({
      status: 'unchanged',
      role: 'moderator',
    });
    expect(await roles.revoke(user.id, 'moderator', CLI)).toMatchObject({ status: 'revoked', role: 'user' });
    await as(user).get('moderation/flags').expect(403);
    expect(t.stream.state.users.get(user.id)?.role).toBe('user');
    expect(await roles.grant('nobody@example.com', 'admin', CLI)).toEqual({ status: 'not-found' });
    expect(
      await audit()
        .find({ targetUserId: user.id })
        .map((e) => e.action as string)
        .toArray(),
    ).toEqual(['role.grant', 'role.revoke']);
  });

  it('shows admins alone the audit log, newest first, paged and filtered, one entry per action', async () => {
    const admin = await staff('admin');
    const moderator = await staff('moderator');
    const victim = await signUpOnboarded(t);
    await as(moderator)
      .post(`moderation/users/${victim.id}/ban`)
      .set('X-Request-Id', 'ban-request-1')
      .send({ reason: 'spam' })
      .expect(200);
    await as(moderator)
      .post(`moderation/users/${victim.id}/unban`)
      .set('X-Request-Id', 'unban-1')
      .expect(200);

    await as(moderator).get('moderation/audit').expect(403);
    const page = await as(admin).get('moderation/audit?limit=3').expect(200);
    expect(page.body.map((e: { action: string }) => e.action)).toEqual([
      'user.unban',
      'user.ban',
      'role.grant',
    ]);
    expect(page.body[1]).toEqual({
      _id: expect.any(String),
      createdAt: expect.any(String),
      actor: { kind: 'user', userId: moderator.id, osUser: null },
      action: 'user.ban',
      targetUserId: victim.id,
      flagId: null,
      role: null,
      previousRole: null,
      until: null,
      reason: 'spam',
      requestId: 'ban-request-1',
    });
    expect(page.body[2]).toMatchObject({
      actor: { kind: 'cli', userId: null, osUser: 'e2e' },
      role: 'moderator',
    });
    const next = /<([^>]+)>; rel="next"/.exec(page.headers.link)?.[1];
    const rest = await t.http().get(next!).set('Cookie', admin.cookie).expect(200);
    expect(rest.body.map((e: { action: string }) => e.action)).toEqual(['role.grant']);
    expect(rest.body[0].targetUserId).toBe(admin.id);

    const byModerator = await as(admin).get(`moderation/audit?actorId=${moderator.id}`).expect(200);
    expect(byModerator.body).toHaveLength(2);
    const onVictim = await as(admin).get(`moderation/audit?targetUserId=${victim.id}`).expect(200);
    expect(onVictim.body).toHaveLength(2);
    expect(await audit().countDocuments()).toBe(4);

    // Never editable: no route writes it, and its model refuses every change but an insert.
    const entryId = page.body[0]._id as string;
    for (const method of ['put', 'patch', 'delete'] as const) {
      await t.http()[method](`/api/moderation/audit/${entryId}`).set('Cookie', admin.cookie).expect(404);
    }
    const model = t.app.get<Model<AuditEntry>>(getModelToken(AuditEntry.name));
    await expect(model.updateOne({ _id: entryId }, { $set: { reason: 'edited' } })).rejects.toThrow(
      'auditlog is append-only',
    );
    await expect(model.deleteMany({})).rejects.toThrow('auditlog is append-only');
    expect(await audit().countDocuments({ reason: 'edited' })).toBe(0);
    expect(await audit().countDocuments()).toBe(4);
  });

  it('keeps flags and audit entries when the account they name is deleted', async () => {
    const moderator = await staff('moderator');
    const [target, reporter] = [await signUpOnboarded(t), await signUpOnboarded(t)];
    await flagByWebhook(target, reporter);
    await as(moderator).post(`moderation/users/${target.id}/ban`).send({ reason: 'spam' }).expect(200);
    await as(moderator).post(`moderation/users/${target.id}/unban`).expect(200);
    const signedIn = await t
      .http()
      .post('/api/auth/login')
      .send({ email: target.email, password: target.password })
      .expect(200);
    await t
      .http()
      .delete('/api/users/me')
      .set('Cookie', authCookie(signedIn))
      .send({ password: target.password })
      .expect(204);

    expect(await t.db.collection('users').countDocuments({ _id: oid(target.id) })).toBe(0);
    expect(await audit().countDocuments({ targetUserId: target.id })).toBe(2);
    const [flag] = (await as(moderator).get(`moderation/flags?userId=${target.id}`).expect(200)).body as {
      user: unknown;
    }[];
    expect(flag.user).toBeNull();
  });

  it("puts the user's role and ban state in their data export", async () => {
    const moderator = await staff('moderator');
    const res = await as(moderator).get('users/me/export').expect(200);
    expect(res.body.standing).toEqual({ role: 'moderator', ban: null });
    expect(JSON.stringify(res.body)).not.toContain('auditlog');
  });
});
