import * as jwt from 'jsonwebtoken';
import { StreamChat } from 'stream-chat';
import { startStreamEmulator, type StreamEmulator } from '../src/stream';
import { failure } from './sdk-helpers';

interface ExportFile {
  users: {
    user: { id: string; name?: string };
    messages: { id: string; text: string }[];
    reactions: unknown[];
  }[];
}

describe('Stream emulator: users export (exportUsers + getTask)', () => {
  let emu: StreamEmulator;
  let server: StreamChat;

  const completed = async (taskId: string) => {
    for (;;) {
      const task = await server.getTask(taskId);
      if (task.status === 'completed') return task;
      expect(['pending', 'running']).toContain(task.status);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  beforeAll(async () => {
    emu = await startStreamEmulator({ taskDelayMs: 40, exportUrlTtlMs: 60_000 });
  });
  afterAll(() => emu.close());
  beforeEach(async () => {
    emu.reset();
    server = new StreamChat(emu.apiKey, emu.apiSecret, { baseURL: emu.baseUrl });
    await server.upsertUsers([{ id: 'alice', name: 'Alice' }, { id: 'bob' }]);
    const channel = server.channel('messaging', 'alice-bob', {
      members: ['alice', 'bob'],
      created_by_id: 'alice',
    });
    await channel.create();
    await channel.sendMessage({ text: 'hola', user_id: 'alice' });
    await channel.sendMessage({ text: 'hi', user_id: 'bob' });
  });

  it('runs as a task whose result links to a JSON file with the user, their messages and reactions', async () => {
    const { task_id } = await server.exportUsers({ user_ids: ['alice'] });
    expect(task_id).toMatch(/^[0-9a-f-]{36}$/);
    const task = await completed(task_id);
    const url = (task.result as { url: string }).url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);

    const res = await fetch(url);
    expect(res.status).toBe(200);
    const file = (await res.json()) as ExportFile;
    expect(file.users).toHaveLength(1);
    expect(file.users[0].user).toMatchObject({ id: 'alice', name: 'Alice' });
    expect(file.users[0].messages.map((m) => m.text)).toEqual(['hola']);
    expect(file.users[0].reactions).toEqual([]);
  });

  it('refuses unknown users and empty requests with code 4, and user tokens with 403', async () => {
    expect(await failure(server.exportUsers({ user_ids: ['alice', 'nobody'] }))).toMatchObject({
      status: 400,
      code: 4,
    });
    expect(await failure(server.exportUsers({ user_ids: [] }))).toMatchObject({ status: 400, code: 4 });
    const alice = new StreamChat(emu.apiKey, { baseURL: emu.baseUrl });
    // A user token without a WebSocket: exportUsers is server-side only, whoever the user.
    await alice._setToken(
      { id: 'alice' },
      jwt.sign({ user_id: 'alice' }, emu.apiSecret, { algorithm: 'HS256' }),
    );
    alice.userID = 'alice';
    expect(await failure(alice.exportUsers({ user_ids: ['alice'] }))).toMatchObject({
      status: 403,
      code: 17,
    });
  });

  it('keeps a task pending while a fault delays tasks', async () => {
    emu.faults.delayTasks(60_000);
    const { task_id } = await server.exportUsers({ user_ids: ['alice'] });
    expect((await server.getTask(task_id)).status).toBe('pending');
    emu.faults.reset();
    expect((await completed(task_id)).result).toEqual({ url: expect.any(String) });
  });

  it('serves the file only until the link expires, like a signed storage URL', async () => {
    const shortLived = await startStreamEmulator({ taskDelayMs: 10, exportUrlTtlMs: 0 });
    try {
      const client = new StreamChat(shortLived.apiKey, shortLived.apiSecret, { baseURL: shortLived.baseUrl });
      await client.upsertUsers([{ id: 'alice' }]);
      const { task_id } = await client.exportUsers({ user_ids: ['alice'] });
      let task = await client.getTask(task_id);
      while (task.status !== 'completed') task = await client.getTask(task_id);
      const res = await fetch((task.result as { url: string }).url);
      expect(res.status).toBe(403);
    } finally {
      await shortLived.close();
    }
  });
});
