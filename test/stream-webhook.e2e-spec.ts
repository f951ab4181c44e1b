import { createHmac, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { StreamChat } from 'stream-chat';
import { createTestApp, eventually, signUpOnboarded, SignedUpUser, TestApp } from './harness';

/** Boots the app listening on 127.0.0.1, so the Stream emulator can call its webhook endpoint over HTTP. */
async function listeningApp(env: Record<string, string> = {}): Promise<{ t: TestApp; url: string }> {
  const t = await createTestApp(env);
  await t.app.listen(0, '127.0.0.1');
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  return { t, url: `http://127.0.0.1:${port}/api/stream/webhook` };
}

describe('Stream webhooks (POST /api/stream/webhook)', () => {
  let t: TestApp;
  let url: string;
  let server: StreamChat;

  beforeAll(async () => {
    ({ t, url } = await listeningApp());
    server = new StreamChat(t.stream.apiKey, t.stream.apiSecret, { baseURL: t.stream.baseUrl });
  });
  beforeEach(() => t.stream.webhooks.configure({ url, gzip: false }));
  afterAll(() => t.close());

  const sign = (body: Buffer, secret = t.stream.apiSecret) =>
    createHmac('sha256', secret).update(body).digest('hex');
  /** Raw bytes over real HTTP (supertest would JSON-encode a Buffer): status and parsed answer. */
  const post = async (body: Buffer, headers: Record<string, string>, expected: number) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body,
    });
    expect(res.status).toBe(expected);
    const answer: unknown = await res.json();
    return answer;
  };
  /** An event's JSON as Stream sends it: stamped with created_at (now, unless given). */
  const eventBody = (event: Record<string, unknown>, createdAt = new Date()) =>
    Buffer.from(JSON.stringify({ ...event, created_at: createdAt.toISOString() }));
  const flags = () => t.db.collection('moderationflags');
  const calls = () => t.db.collection<{ _id: string; status: string }>('webhookcalls');

  /** A user flagged through the real SDK, as a moderator would in Stream: Stream then calls the webhook. */
  const flagInStream = async (target: SignedUpUser, by: SignedUpUser) => {
    await server.upsertUsers([{ id: target.id }, { id: by.id }]);
    await server.flagUser(target.id, { user_id: by.id, reason: 'spam' });
    await t.stream.webhooks.settle();
  };

  it('is documented in the OpenAPI document', async () => {
    const { paths } = (await t.http().get('/api/docs-json').expect(200)).body as {
      paths: Record<string, object>;
    };
    expect(Object.keys(paths['/api/stream/webhook'])).toEqual(['post']);
  });

  it('records user.flagged and message.flagged for moderators from signed calls', async () => {
    const alice = await signUpOnboarded(t);
    const bob = await signUpOnboarded(t);
    await flagInStream(bob, alice);
    const channel = server.channel('messaging', 'webhook-test', {
      members: [alice.id, bob.id],
      created_by_id: alice.id,
    });
    await channel.create();
    const { message } = await channel.sendMessage({ text: 'buy now', user_id: bob.id });
    await server.flagMessage(message.id, { user_id: alice.id });
    await t.stream.webhooks.settle();

    expect(t.stream.webhooks.deliveries.map((d) => d.attempts.map((a) => a.status))).toEqual([[200], [200]]);
    await eventually(async () => (await flags().countDocuments({ targetUserId: bob.id })) === 2);
    const recorded = await flags().find({ targetUserId: bob.id }).sort({ createdAt: 1 }).toArray();
    expect(recorded).toEqual([
      expect.objectContaining({ kind: 'user.flagged', flaggedBy: alice.id }),
      expect.objectContaining({
        kind: 'message.flagged',
        flaggedBy: alice.id,
        messageId: message.id,
        messageText: 'buy now',
        channelCid: 'messaging:webhook-test',
      }),
    ]);
  });

  it('answers 401 and stores nothing for a missing, forged or foreign-secret signature', async () => {
    const body = eventBody({ type: 'user.flagged', user: { id: 'x' }, target_user: { id: 'y' } });
    const id = randomUUID();
    const before = { calls: await calls().countDocuments(), flags: await flags().countDocuments() };

    const missing = await post(body, { 'X-Webhook-Id': id }, 401);
    expect(missing).toEqual({ statusCode: 401, message: 'Missing X-Signature', error: 'Unauthorized' });
    await post(body, { 'X-Webhook-Id': id, 'X-Signature': sign(body, 'not-the-app-secret') }, 401);
    const tampered = Buffer.from(body.toString().replace('"y"', '"z"'));
    await post(tampered, { 'X-Webhook-Id': id, 'X-Signature': sign(body) }, 401);
    await post(body, { 'X-Webhook-Id': id, 'X-Signature': 'ab'.repeat(32) }, 401);

    expect(await calls().countDocuments()).toBe(before.calls);
    expect(await flags().countDocuments()).toBe(before.flags);
    expect(t.logs.lines.join('\n')).not.toContain(t.stream.apiSecret);
  });

  it('drops a replayed call (same X-Webhook-Id) and processes it once', async () => {
    const bob = await signUpOnboarded(t);
    const body = eventBody({ type: 'user.flagged', user: { id: 'moderator' }, target_user: { id: bob.id } });
    const headers = { 'X-Webhook-Id': randomUUID(), 'X-Signature': sign(body) };
    expect(await post(body, headers, 200)).toEqual({ status: 'queued' });
    expect(await post(body, { ...headers, 'X-Webhook-Attempt': '2' }, 200)).toEqual({
      status: 'duplicate',
    });
    await eventually(
      async () => (await calls().countDocuments({ _id: headers['X-Webhook-Id'], status: 'done' })) === 1,
    );
    expect(await flags().countDocuments({ targetUserId: bob.id })).toBe(1);
  });

  it('drops the same body replayed under a new X-Webhook-Id: one moderation flag', async () => {
    const bob = await signUpOnboarded(t);
    const body = eventBody({ type: 'user.flagged', user: { id: 'moderator' }, target_user: { id: bob.id } });
    const first = randomUUID();
    expect(await post(body, { 'X-Webhook-Id': first, 'X-Signature': sign(body) }, 200)).toEqual({
      status: 'queued',
    });
    const replay = randomUUID();
    expect(await post(body, { 'X-Webhook-Id': replay, 'X-Signature': sign(body) }, 200)).toEqual({
      status: 'duplicate',
    });
    await eventually(async () => (await calls().countDocuments({ _id: first, status: 'done' })) === 1);
    expect(await calls().countDocuments({ _id: replay })).toBe(0);
    expect(await flags().countDocuments({ targetUserId: bob.id })).toBe(1);
  });

  it('refuses (400, not retried by Stream) an event older than STREAM_WEBHOOK_MAX_AGE_SECONDS or without created_at, storing nothing', async () => {
    const bob = await signUpOnboarded(t);
    const event = { type: 'user.flagged', user: { id: 'moderator' }, target_user: { id: bob.id } };
    const old = eventBody(event, new Date(Date.now() - 3601_000));
    const before = await calls().countDocuments();
    expect(await post(old, { 'X-Webhook-Id': randomUUID(), 'X-Signature': sign(old) }, 400)).toEqual({
      statusCode: 400,
      message: 'Webhook event too old: not processed',
      error: 'Bad Request',
    });
    const undated = Buffer.from(JSON.stringify(event));
    expect(
      await post(undated, { 'X-Webhook-Id': randomUUID(), 'X-Signature': sign(undated) }, 400),
    ).toMatchObject({ message: 'Webhook event without a valid created_at' });
    expect(await calls().countDocuments()).toBe(before);
    expect(await flags().countDocuments({ targetUserId: bob.id })).toBe(0);

    const recent = eventBody(event, new Date(Date.now() - 3000_000));
    await post(recent, { 'X-Webhook-Id': randomUUID(), 'X-Signature': sign(recent) }, 200);
    await eventually(async () => (await flags().countDocuments({ targetUserId: bob.id })) === 1);
  });

  it('verifies a gzipped body over its uncompressed bytes', async () => {
    const alice = await signUpOnboarded(t);
    const bob = await signUpOnboarded(t);
    t.stream.webhooks.configure({ url, gzip: true });
    await flagInStream(bob, alice);
    expect(t.stream.webhooks.deliveries.at(-1)?.attempts).toEqual([{ status: 200 }]);
    await eventually(async () => (await flags().countDocuments({ targetUserId: bob.id })) === 1);

    const body = eventBody({ type: 'user.flagged', target_user: { id: alice.id } });
    const zipped = gzipSync(body);
    await post(
      zipped,
      {
        'Content-Encoding': 'gzip',
        'X-Webhook-Id': randomUUID(),
        'X-Signature': sign(zipped),
      },
      401,
    );
    await post(
      zipped,
      {
        'Content-Encoding': 'gzip',
        'X-Webhook-Id': randomUUID(),
        'X-Signature': sign(body),
      },
      200,
    );
    await eventually(async () => (await flags().countDocuments({ targetUserId: alice.id })) === 1);
  });

  it('flags, without deleting, a user deleted in Stream (the default), and logs unknown event types', async () => {
    const carol = await signUpOnboarded(t);
    await server.upsertUsers([{ id: carol.id }]);
    await server.deleteUsers([carol.id], { user: 'soft' });
    await t.stream.webhooks.settle();
    await eventually(
      async () => (await flags().countDocuments({ targetUserId: carol.id, kind: 'user.deleted' })) === 1,
    );
    expect(await t.db.collection('users').countDocuments({ email: carol.email })).toBe(1);

    const delivery = await t.stream.webhooks.send({ type: 'channel.frozen', cid: 'messaging:x' });
    expect(delivery.attempts).toEqual([{ status: 200 }]);
    await eventually(() =>
      t.logs.lines.some((l) => l.includes(`webhook ${delivery.id}: event type channel.frozen`)),
    );
  });
});

describe('Stream webhooks with STREAM_WEBHOOK_USER_DELETED=delete', () => {
  let t: TestApp;
  let url: string;

  beforeAll(async () => {
    ({ t, url } = await listeningApp({ STREAM_WEBHOOK_USER_DELETED: 'delete' }));
  });
  afterAll(() => t.close());

  it('deletes the app account through the same path as the CLI when Stream reports the user deleted', async () => {
    const dave = await signUpOnboarded(t);
    const erin = await signUpOnboarded(t);
    await t.http().post(`/api/users/friend-request/${erin.id}`).set('Cookie', dave.cookie).expect(201);
    t.stream.webhooks.configure({ url });
    const server = new StreamChat(t.stream.apiKey, t.stream.apiSecret, { baseURL: t.stream.baseUrl });
    await server.upsertUsers([{ id: dave.id }]);
    await server.deleteUsers([dave.id], { user: 'hard', messages: 'hard', conversations: 'hard' });
    await t.stream.webhooks.settle();

    await eventually(
      async () => (await t.db.collection('users').countDocuments({ email: dave.email })) === 0,
    );
    expect(await t.db.collection('friendrequests').countDocuments({})).toBe(0);
    await t.http().get('/api/auth/me').set('Cookie', dave.cookie).expect(401);
    expect(await t.db.collection('users').countDocuments({ email: erin.email })).toBe(1);
  });
});
