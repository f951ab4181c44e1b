import { gunzipSync } from 'node:zlib';
import { StreamChat } from 'stream-chat';
import { startStreamEmulator, type StreamEmulator } from '../src/stream';
import { startReceiver } from './webhook-receiver';

describe('Stream emulator: signed webhooks', () => {
  let emu: StreamEmulator;
  let server: StreamChat;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    emu = await startStreamEmulator({ webhook: { retryDelayMs: 1 } });
  });
  afterAll(() => emu.close());
  beforeEach(() => {
    emu.reset();
    server = new StreamChat(emu.apiKey, emu.apiSecret, { baseURL: emu.baseUrl });
  });
  afterEach(() => receiver.close());

  it('signs the raw body with the app secret so the SDK verifies it, and names the id, attempt and key', async () => {
    receiver = await startReceiver();
    emu.webhooks.configure({ url: receiver.url });
    const delivery = await emu.webhooks.send({ type: 'user.flagged', target_user: { id: 'bob' } });

    expect(delivery).toMatchObject({ type: 'user.flagged', delivered: true, attempts: [{ status: 200 }] });
    const [req] = receiver.received;
    expect(req.headers['x-webhook-id']).toBe(delivery.id);
    expect(req.headers['x-webhook-attempt']).toBe('1');
    expect(req.headers['x-api-key']).toBe(emu.apiKey);
    expect(req.headers['content-encoding']).toBeUndefined();
    const signature = req.headers['x-signature'] as string;
    expect(server.verifyWebhook(req.body, signature)).toBe(true);
    expect(server.verifyAndParseWebhook(req.body, signature)).toMatchObject({
      type: 'user.flagged',
      target_user: { id: 'bob' },
      created_at: expect.any(String),
    });
    const forged = Buffer.from(req.body.toString('utf8').replace('bob', 'eve'));
    expect(server.verifyWebhook(forged, signature)).toBe(false);
    const otherApp = new StreamChat(emu.apiKey, 'another-secret', { baseURL: emu.baseUrl });
    expect(otherApp.verifyWebhook(req.body, signature)).toBe(false);
  });

  it('gzips the body when asked, the signature still covering the uncompressed JSON', async () => {
    receiver = await startReceiver();
    emu.webhooks.configure({ url: receiver.url, gzip: true });
    await emu.webhooks.send({ type: 'user.deleted', user: { id: 'bob' } });

    const [req] = receiver.received;
    expect(req.headers['content-encoding']).toBe('gzip');
    const signature = req.headers['x-signature'] as string;
    expect(server.verifyWebhook(req.body, signature)).toBe(false);
    expect(server.verifyWebhook(gunzipSync(req.body), signature)).toBe(true);
    expect(server.verifyAndParseWebhook(req.body, signature)).toMatchObject({ type: 'user.deleted' });
  });

  it('retries a 5xx, 429 or 408 up to 3 attempts under the same webhook id', async () => {
    receiver = await startReceiver([500, 429, 503]);
    emu.webhooks.configure({ url: receiver.url });
    const delivery = await emu.webhooks.send({ type: 'message.flagged' });

    expect(delivery.delivered).toBe(false);
    expect(delivery.attempts).toEqual([{ status: 500 }, { status: 429 }, { status: 503 }]);
    expect(receiver.received.map((r) => r.headers['x-webhook-attempt'])).toEqual(['1', '2', '3']);
    expect(new Set(receiver.received.map((r) => r.headers['x-webhook-id']))).toEqual(new Set([delivery.id]));
    expect(new Set(receiver.received.map((r) => r.headers['x-signature'])).size).toBe(1);
  });

  it('stops at the first success or at a 4xx other than 408/429', async () => {
    receiver = await startReceiver([502, 204, 401]);
    emu.webhooks.configure({ url: receiver.url });
    expect((await emu.webhooks.send({ type: 'a' })).attempts).toEqual([{ status: 502 }, { status: 204 }]);
    const rejected = await emu.webhooks.send({ type: 'b' });
    expect(rejected).toMatchObject({ delivered: false, attempts: [{ status: 401 }] });
  });

  it('gives up a slow receiver after 3 timed-out attempts, and an unreachable one after 2', async () => {
    receiver = await startReceiver(['hang', 'hang', 'hang']);
    emu.webhooks.configure({ url: receiver.url, timeoutMs: 50 });
    const slow = await emu.webhooks.send({ type: 'user.deleted' });
    expect(slow.attempts).toEqual([{ error: 'timeout' }, { error: 'timeout' }, { error: 'timeout' }]);
    expect(receiver.received).toHaveLength(3);

    const url = receiver.url;
    await receiver.close();
    emu.webhooks.configure({ url });
    const unreachable = await emu.webhooks.send({ type: 'user.deleted' });
    expect(unreachable.attempts).toEqual([{ error: 'network' }, { error: 'network' }]);
  });

  it("emits user.deleted, user.flagged and message.flagged when the emulator's own state changes", async () => {
    receiver = await startReceiver();
    emu.webhooks.configure({ url: receiver.url });
    await server.upsertUsers([{ id: 'alice' }, { id: 'bob' }]);
    const channel = server.channel('messaging', 'alice-bob', {
      members: ['alice', 'bob'],
      created_by_id: 'alice',
    });
    await channel.create();
    const { message } = await channel.sendMessage({ text: 'rude', user_id: 'bob' });

    await server.flagMessage(message.id, { user_id: 'alice' });
    await server.flagUser('bob', { user_id: 'alice', reason: 'harassment' });
    await server.deleteUsers(['bob'], { user: 'hard', messages: 'hard', conversations: 'hard' });
    await emu.webhooks.settle();

    const events = receiver.received.map((r) =>
      server.verifyAndParseWebhook(r.body, r.headers['x-signature'] as string),
    );
    expect(events).toEqual([
      expect.objectContaining({
        type: 'message.flagged',
        cid: 'messaging:alice-bob',
        message: expect.objectContaining({ id: message.id, user: expect.objectContaining({ id: 'bob' }) }),
        user: expect.objectContaining({ id: 'alice' }),
      }),
      expect.objectContaining({
        type: 'user.flagged',
        user: expect.objectContaining({ id: 'alice' }),
        target_user: expect.objectContaining({ id: 'bob' }),
      }),
      expect.objectContaining({
        type: 'user.deleted',
        user: expect.objectContaining({ id: 'bob' }),
        hard_delete: true,
      }),
    ]);
    expect(emu.state.flags).toHaveLength(2);
  });

  it('sends nothing on its own without a configured URL', async () => {
    receiver = await startReceiver();
    await server.upsertUsers([{ id: 'bob' }]);
    await server.deleteUsers(['bob'], { user: 'soft' });
    await emu.webhooks.settle();
    expect(receiver.received).toHaveLength(0);
    expect(emu.webhooks.deliveries).toHaveLength(0);
  });

  it('is configured and triggered over the admin HTTP endpoints too', async () => {
    receiver = await startReceiver();
    const post = (path: string, body: unknown) =>
      fetch(`${emu.baseUrl}${path}`, { method: 'POST', body: JSON.stringify(body) });
    expect((await post('/_emulator/webhook/events', { type: 'user.deleted' })).status).toBe(400);
    expect((await post('/_emulator/webhook', { url: receiver.url, gzip: 'yes' })).status).toBe(400);
    expect((await post('/_emulator/webhook', { url: receiver.url, gzip: true })).status).toBe(200);

    const res = await post('/_emulator/webhook/events', { type: 'user.deleted', user: { id: 'bob' } });
    expect(res.status).toBe(200);
    const delivery = (await res.json()) as { id: string; delivered: boolean };
    expect(delivery.delivered).toBe(true);
    const [req] = receiver.received;
    expect(req.headers['x-webhook-id']).toBe(delivery.id);
    expect(server.verifyAndParseWebhook(req.body, req.headers['x-signature'] as string)).toMatchObject({
      type: 'user.deleted',
      user: { id: 'bob' },
    });
  });
});
