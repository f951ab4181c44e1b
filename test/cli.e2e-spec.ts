import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Types } from 'mongoose';
import { CommandTestFactory } from 'nest-commander-testing';
import { StreamChat } from 'stream-chat';
import { CliPrinter } from '../src/cli/cli-printer';
import { CliPrompt } from '../src/cli/cli-prompt';
import { CliModule } from '../src/cli/cli.module';
import { resolveEnvironment } from '../src/config/environment';
import { startTestBackends, TestBackends } from './harness';

/** Captures what a command prints, as if stdout were a pipe. */
class CapturedOutput extends CliPrinter {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  onWrite?: (text: string) => void;

  protected override isTerminal(): boolean {
    return false;
  }

  protected override write(stream: 'stdout' | 'stderr', text: string): void {
    (stream === 'stdout' ? this.stdout : this.stderr).push(text);
    this.onWrite?.(text);
  }
}

/** A terminal (or not) that answers every confirmation with `answer`. */
class FakePrompt {
  readonly asked: string[] = [];
  constructor(
    private readonly interactive: boolean,
    private readonly answer: boolean,
  ) {}
  isInteractive(): boolean {
    return this.interactive;
  }
  confirm(question: string): Promise<boolean> {
    this.asked.push(question);
    return Promise.resolve(this.answer);
  }
}

interface CliRun {
  code: number;
  out: string;
  err: string;
  asked: string[];
}

interface RunOptions {
  terminal?: boolean;
  answer?: boolean;
  onWrite?: (text: string) => void;
}

async function runCli(args: string[], options: RunOptions = {}): Promise<CliRun> {
  const output = new CapturedOutput();
  output.onWrite = options.onWrite;
  const prompt = new FakePrompt(options.terminal ?? false, options.answer ?? false);
  process.exitCode = undefined;
  const app = await CommandTestFactory.createTestingCommand({
    imports: [CliModule.forRoot(resolveEnvironment(process.env))],
  })
    .overrideProvider(CliPrinter)
    .useValue(output)
    .overrideProvider(CliPrompt)
    .useValue(prompt)
    .compile();
  app.useLogger(['warn', 'error']); // as src/cli.ts: commands report through the printer, not the log
  try {
    await CommandTestFactory.run(app, args);
    return {
      code: Number(process.exitCode ?? 0),
      out: output.stdout.join(''),
      err: output.stderr.join(''),
      asked: prompt.asked,
    };
  } finally {
    process.exitCode = undefined;
  }
}

/** The result column of one id in the printed table. */
const resultOf = (out: string, id: string): string | undefined =>
  out
    .split('\n')
    .find((line) => line.startsWith(`${id} `))
    ?.split(/\s+/)[1];

describe('admin CLI (nest-commander)', () => {
  let b: TestBackends;
  let client: StreamChat;

  beforeAll(async () => {
    b = await startTestBackends();
    client = new StreamChat(b.stream.apiKey, b.stream.apiSecret, { baseURL: b.stream.baseUrl });
  });
  afterEach(async () => {
    b.stream.faults.reset();
    await b.reset();
  });
  afterAll(async () => {
    await b.close();
  });

  const users = () => b.db.collection('users');
  const requests = () => b.db.collection('friendrequests');

  async function seedUser(
    name: string,
    options: { inStream?: boolean; pending?: boolean; streamName?: string } = {},
  ): Promise<string> {
    const _id = new Types.ObjectId();
    const now = new Date();
    await users().insertOne({
      _id,
      email: `${name.toLowerCase()}-${_id.toHexString()}@example.com`,
      password: '$2b$10$notarealhashnotarealhashnotarealhashnotarealhashnotar',
      fullName: name,
      profilePic: `https://avatar.example/${name}.png`,
      bio: '',
      nativeLanguage: 'english',
      learningLanguage: 'spanish',
      location: '',
      isOnboarded: true,
      friends: [],
      profileVersion: 1,
      syncPending: options.pending ?? false,
      syncAttempts: options.pending ? 4 : 0,
      syncNextAt: now,
      ...(options.pending ? { syncError: 'upsertUsers: Stream unreachable (ECONNREFUSED)' } : {}),
      createdAt: now,
      updatedAt: now,
    });
    const id = _id.toHexString();
    if (options.inStream ?? true) await client.upsertUsers([{ id, name: options.streamName ?? name }]);
    return id;
  }

  async function befriend(a: string, b2: string): Promise<void> {
    await users().updateOne(
      { _id: new Types.ObjectId(a) },
      { $addToSet: { friends: new Types.ObjectId(b2) } },
    );
    await users().updateOne(
      { _id: new Types.ObjectId(b2) },
      { $addToSet: { friends: new Types.ObjectId(a) } },
    );
  }

  async function request(sender: string, recipient: string, status = 'pending'): Promise<void> {
    const now = new Date();
    await requests().insertOne({
      sender: new Types.ObjectId(sender),
      recipient: new Types.ObjectId(recipient),
      status,
      pairKey: [sender, recipient].sort().join(':'),
      createdAt: now,
      updatedAt: now,
    });
  }

  async function directChannel(a: string, b2: string): Promise<string> {
    const channel = client.channel('messaging', `dm-${a.slice(-6)}-${b2.slice(-6)}`, {
      members: [a, b2],
      created_by_id: a,
    });
    await channel.create();
    await channel.sendMessage({ text: 'hola', user_id: a });
    return channel.cid;
  }

  const friendsOf = async (id: string): Promise<string[]> => {
    const doc = await users().findOne({ _id: new Types.ObjectId(id) });
    return ((doc?.friends ?? []) as Types.ObjectId[]).map((f) => f.toHexString());
  };
  const inApp = async (id: string) => (await users().countDocuments({ _id: new Types.ObjectId(id) })) === 1;
  const requestsInvolving = (id: string) =>
    requests().countDocuments({
      $or: [{ sender: new Types.ObjectId(id) }, { recipient: new Types.ObjectId(id) }],
    });

  /** alice is friends with bob and carol, has a request out to dave and a 1:1 conversation with bob. */
  async function seedGraph() {
    const alice = await seedUser('Alice');
    const bob = await seedUser('Bob');
    const carol = await seedUser('Carol');
    const dave = await seedUser('Dave');
    await befriend(alice, bob);
    await befriend(alice, carol);
    await befriend(bob, carol);
    await request(alice, bob, 'accepted');
    await request(carol, alice, 'accepted');
    await request(alice, dave);
    await request(bob, carol, 'accepted');
    const cid = await directChannel(alice, bob);
    return { alice, bob, carol, dave, cid };
  }

  describe('delete-users', () => {
    it('hard-deletes the user in Stream and removes the app user, their requests and friendships', async () => {
      const { alice, bob, carol, dave, cid } = await seedGraph();

      const run = await runCli(['delete-users', alice, '--yes']);

      expect(run.code).toBe(0);
      expect(resultOf(run.out, alice)).toBe('deleted');
      expect(run.out).toMatch(/2 friend link\(s\), 3 friend request\(s\) removed/);
      expect(run.out).toContain('Deleted 1, not found 0, failed 0.');
      // Stream: the user and the 1:1 conversation are gone; everyone else is untouched.
      expect(b.stream.state.users.has(alice)).toBe(false);
      expect(b.stream.state.deletedUserIds.has(alice)).toBe(true);
      expect(b.stream.state.channels.has(cid)).toBe(false);
      expect([bob, carol, dave].every((id) => b.stream.state.users.has(id))).toBe(true);
      // MongoDB: no trace of alice anywhere, the rest of the graph intact.
      expect(await inApp(alice)).toBe(false);
      expect(await friendsOf(bob)).toEqual([carol]);
      expect(await friendsOf(carol)).toEqual([bob]);
      expect(await requestsInvolving(alice)).toBe(0);
      expect(await requests().countDocuments()).toBe(1);
      expect(await Promise.all([bob, carol, dave].map(inApp))).toEqual([true, true, true]);
    });

    it('reports "not-found" and succeeds when run again on an already deleted user', async () => {
      const { alice } = await seedGraph();
      expect((await runCli(['delete-users', alice, '--yes'])).code).toBe(0);

      const again = await runCli(['delete-users', alice, '--yes']);

      expect(again.code).toBe(0);
      expect(resultOf(again.out, alice)).toBe('not-found');
      expect(again.out).toContain('Deleted 0, not found 1, failed 0.');
    });

    it('reads ids from --from-file, ignoring blank lines, comments and repeats', async () => {
      const alice = await seedUser('Alice');
      const bob = await seedUser('Bob');
      const keep = await seedUser('Keep');
      const dir = await mkdtemp(join(tmpdir(), 'cli-ids-'));
      const file = join(dir, 'ids.txt');
      await writeFile(
        file,
        `# cleanup after the incident\n${alice}\n\n  ${bob.toUpperCase()}  # shouted\n${alice}\n`,
      );

      const run = await runCli(['delete-users', '--from-file', file, '--yes']);

      expect(run.code).toBe(0);
      expect(run.out).toContain('1 repeated id(s) counted once');
      expect(await inApp(alice)).toBe(false);
      expect(await inApp(bob)).toBe(false);
      expect(await inApp(keep)).toBe(true);
      expect([...b.stream.state.users.keys()]).toEqual([keep]);
    });

    it('--dry-run shows what would be deleted and changes nothing', async () => {
      const { alice, bob, cid } = await seedGraph();
      const nobody = new Types.ObjectId().toHexString();
      const usersBefore = await users().find().sort({ _id: 1 }).toArray();

      const run = await runCli(['delete-users', alice, nobody, '--dry-run']);

      expect(run.code).toBe(0);
      expect(run.asked).toEqual([]);
      expect(resultOf(run.out, alice)).toBe('would-delete');
      expect(resultOf(run.out, nobody)).toBe('not-found');
      expect(run.out).toContain('Nothing was changed.');
      expect(await users().find().sort({ _id: 1 }).toArray()).toEqual(usersBefore);
      expect(await requests().countDocuments()).toBe(4);
      expect(b.stream.state.users.has(alice)).toBe(true);
      expect(b.stream.state.channels.has(cid)).toBe(true);
      expect(b.stream.state.requests.some((r) => r.path.startsWith('/users/delete'))).toBe(false);
      expect(await friendsOf(bob)).toContain(alice);
    });

    it("--stream-only deletes in Stream and keeps the app's user, requests and friendships", async () => {
      const { alice, bob } = await seedGraph();

      const run = await runCli(['delete-users', alice, '--stream-only', '--yes']);

      expect(run.code).toBe(0);
      expect(run.out).toMatch(new RegExp(`${alice}\\s+deleted\\s+hard deleted\\s+kept`));
      expect(b.stream.state.users.has(alice)).toBe(false);
      expect(await inApp(alice)).toBe(true);
      expect(await friendsOf(bob)).toContain(alice);
      expect(await requestsInvolving(alice)).toBe(3);
    });

    it('--soft soft-deletes in Stream, keeping the conversations a hard delete removes', async () => {
      const { alice, cid } = await seedGraph();

      const run = await runCli(['delete-users', alice, '--soft', '--yes']);

      expect(run.code).toBe(0);
      expect(run.out).toMatch(new RegExp(`${alice}\\s+deleted\\s+soft deleted\\s+deleted`));
      expect(b.stream.state.users.has(alice)).toBe(false);
      expect(b.stream.state.channels.has(cid)).toBe(true);
      expect(await inApp(alice)).toBe(false);
    });

    it('exits 1 when Stream fails part-way, keeps app data of the users not deleted, and a re-run completes', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 105; i++) ids.push(await seedUser(`User ${i}`));
      const [first, last] = [ids.slice(0, 100), ids.slice(100)];
      await befriend(ids[0], ids[104]);

      // Stream goes away right after the first batch of 100.
      const run = await runCli(['delete-users', ...ids, '--yes'], {
        onWrite: (text) => {
          if (text.includes('deleting users: 100/105')) b.stream.faults.refuseConnections(true);
        },
      });

      expect(run.code).toBe(1);
      expect(run.out).toContain('deleting users: 100/105 processed');
      expect(run.out).toContain('Deleted 100, not found 0, failed 5.');
      expect(run.err).toContain('Re-run the same command to finish');
      last.forEach((id) => expect(resultOf(run.out, id)).toBe('failed'));
      expect(await users().countDocuments({ _id: { $in: first.map((id) => new Types.ObjectId(id)) } })).toBe(
        0,
      );
      expect(await users().countDocuments({ _id: { $in: last.map((id) => new Types.ObjectId(id)) } })).toBe(
        5,
      );
      expect(await friendsOf(ids[104])).toEqual([]); // user 0 was deleted, and left nobody's friend list

      b.stream.faults.refuseConnections(false);
      expect(last.every((id) => b.stream.state.users.has(id))).toBe(true);
      const rerun = await runCli(['delete-users', ...ids, '--yes']);

      expect(rerun.code).toBe(0);
      expect(rerun.out).toContain('Deleted 5, not found 100, failed 0.');
      expect(await users().countDocuments()).toBe(0);
      expect(b.stream.state.users.size).toBe(0);
    });

    it('exits 1 and keeps the app data when Stream answers errors for every attempt', async () => {
      const alice = await seedUser('Alice');
      b.stream.faults.failNext(100, 503);

      const run = await runCli(['delete-users', alice, '--yes']);

      expect(run.code).toBe(1);
      expect(resultOf(run.out, alice)).toBe('failed');
      expect(run.out).toMatch(/Stream lookup failed/);
      expect(await inApp(alice)).toBe(true);
    });

    it('exits 2 with a clear message when no id is valid, and touches nothing', async () => {
      const alice = await seedUser('Alice');

      const run = await runCli(['delete-users', 'not-an-id', '123', `${alice}0`, '--yes']);

      expect(run.code).toBe(2);
      expect(run.err).toContain('3 invalid id(s), not 24 hex digits, skipped: not-an-id, 123');
      expect(run.err).toContain('no valid user ids: nothing to delete');
      expect(await inApp(alice)).toBe(true);
      expect(b.stream.state.users.has(alice)).toBe(true);
    });

    it('deletes the valid ids, lists the invalid ones and exits 1 when some ids are invalid', async () => {
      const alice = await seedUser('Alice');

      const run = await runCli(['delete-users', alice, 'oops', '--yes']);

      expect(run.code).toBe(1);
      expect(resultOf(run.out, alice)).toBe('deleted');
      expect(resultOf(run.out, 'oops')).toBe('invalid');
      expect(await inApp(alice)).toBe(false);
    });

    it('exits 2 without ids, and for an unreadable --from-file', async () => {
      const none = await runCli(['delete-users', '--yes']);
      expect(none.code).toBe(2);
      expect(none.err).toContain('no user ids given');

      const missing = await runCli(['delete-users', '--from-file', '/nonexistent/ids.txt', '--yes']);
      expect(missing.code).toBe(2);
      expect(missing.err).toContain('cannot read --from-file /nonexistent/ids.txt');
    });

    it('refuses to run without a terminal and without --yes, touching nothing', async () => {
      const alice = await seedUser('Alice');

      const run = await runCli(['delete-users', alice]);

      expect(run.code).toBe(2);
      expect(run.err).toContain('Refusing to continue without confirmation: not a terminal');
      expect(await inApp(alice)).toBe(true);
      expect(b.stream.state.users.has(alice)).toBe(true);
    });

    it('asks on a terminal: "no" changes nothing and exits 1, "yes" deletes', async () => {
      const alice = await seedUser('Alice');

      const declined = await runCli(['delete-users', alice], { terminal: true, answer: false });
      expect(declined.asked).toEqual(['Continue?']);
      expect(declined.out).toContain('About to delete 1 user(s): HARD delete in Stream');
      expect(declined.code).toBe(1);
      expect(await inApp(alice)).toBe(true);

      const accepted = await runCli(['delete-users', alice], { terminal: true, answer: true });
      expect(accepted.code).toBe(0);
      expect(await inApp(alice)).toBe(false);
      expect(b.stream.state.users.has(alice)).toBe(false);
    });
  });

  describe('sync-users', () => {
    it('repairs users left pending by a Stream outage and marks them synced', async () => {
      const missing = await seedUser('Missed Signup', { inStream: false, pending: true });
      const stale = await seedUser('New Name', { pending: true, streamName: 'Old Name' });
      const fine = await seedUser('Fine');

      const run = await runCli(['sync-users']);

      expect(run.code).toBe(0);
      expect(run.out).toMatch(/App users:\s+3/);
      expect(run.out).toMatch(/Pending sync \(not yet in Stream\):\s+2/);
      expect(run.out).toMatch(/Missing in Stream:\s+1/);
      expect(run.out).toMatch(/Upserted and marked synced:\s+3/);
      expect(b.stream.state.users.get(missing)?.name).toBe('Missed Signup');
      expect(b.stream.state.users.get(stale)?.name).toBe('New Name');
      expect(b.stream.state.users.has(fine)).toBe(true);
      const docs = await users().find().toArray();
      expect(docs.map((d) => d.syncPending as boolean)).toEqual([false, false, false]);
      expect(docs.every((d) => d.syncError === undefined && d.syncAttempts === 0)).toBe(true);
    });

    it("updates users Stream has without dropping a revocation or fields set in Stream, but with the app's role", async () => {
      const id = await seedUser('New Name', { pending: true, streamName: 'Old Name' });
      const revokedBefore = new Date(Date.now() - 60_000);
      await client.revokeUserToken(id, revokedBefore);
      const moderatorFields: Record<string, unknown> = { flagged_by: 'moderator', role: 'admin' };
      await client.partialUpdateUser({ id, set: moderatorFields });

      expect((await runCli(['sync-users'])).code).toBe(0);

      expect(b.stream.state.users.get(id)).toMatchObject({
        name: 'New Name',
        flagged_by: 'moderator',
        // The role is the app's (granted with the CLI): a role set in Stream does not survive a push.
        role: 'user',
        revoke_tokens_issued_before: revokedBefore.toISOString(),
      });
    });

    it('pages through more than one batch of 100', async () => {
      for (let i = 0; i < 130; i++) await seedUser(`User ${i}`, { inStream: false, pending: true });

      const run = await runCli(['sync-users']);

      expect(run.code).toBe(0);
      expect(run.out).toMatch(/Upserted and marked synced:\s+130/);
      expect(b.stream.state.users.size).toBe(130);
      expect(await users().countDocuments({ syncPending: true })).toBe(0);
    });

    it('--dry-run counts what would change and changes nothing', async () => {
      const missing = await seedUser('Missed Signup', { inStream: false, pending: true });
      await client.upsertUsers([{ id: new Types.ObjectId().toHexString(), name: 'Orphan' }]);

      const run = await runCli(['sync-users', '--dry-run', '--prune']);

      expect(run.code).toBe(0);
      expect(run.out).toMatch(/Missing in Stream:\s+1/);
      expect(run.out).toMatch(/Would upsert:\s+1/);
      expect(run.out).toContain('Stream users without an app user: 1');
      expect(b.stream.state.users.has(missing)).toBe(false);
      expect(b.stream.state.users.size).toBe(1);
      expect(await users().countDocuments({ syncPending: true })).toBe(1);
    });

    it('--prune lists and deletes only the Stream users that have no app user', async () => {
      const alice = await seedUser('Alice');
      const bob = await seedUser('Bob');
      const orphan = new Types.ObjectId().toHexString();
      await client.upsertUsers([
        { id: orphan, name: 'Deleted long ago' },
        { id: 'legacy-support-bot', name: 'Bot' },
      ]);

      const run = await runCli(['sync-users', '--prune', '--yes']);

      expect(run.code).toBe(0);
      expect(run.out).toContain('Stream users without an app user: 2');
      expect(run.out).toContain(`  ${orphan}`);
      expect(run.out).toContain('  legacy-support-bot');
      expect(run.out).toContain('Pruned 2 Stream user(s)');
      expect([...b.stream.state.users.keys()].sort()).toEqual([alice, bob].sort());
      expect(await users().countDocuments()).toBe(2);
    });

    it('refuses --prune without a terminal and without --yes before changing anything', async () => {
      const pending = await seedUser('Pending', { inStream: false, pending: true });
      await client.upsertUsers([{ id: 'orphan-bot', name: 'Bot' }]);

      const run = await runCli(['sync-users', '--prune']);

      expect(run.code).toBe(2);
      expect(run.err).toContain('Refusing to --prune without confirmation');
      expect(b.stream.state.users.has('orphan-bot')).toBe(true);
      expect(b.stream.state.users.has(pending)).toBe(false);
    });

    it('exits 1 and says so when Stream is unreachable', async () => {
      await seedUser('Pending', { inStream: false, pending: true });
      b.stream.faults.refuseConnections(true);

      const run = await runCli(['sync-users']);

      expect(run.code).toBe(1);
      expect(run.err).toContain('Stream failed during sync');
      expect(await users().countDocuments({ syncPending: true })).toBe(1);
    });
  });

  describe('roles and audit', () => {
    const audit = () => b.db.collection('auditlog');
    const emailOf = async (id: string) =>
      (await users().findOne({ _id: new Types.ObjectId(id) }))?.email as string;

    it('grants and revokes a role here and in Stream, each change recorded once; list shows who has one', async () => {
      const mia = await seedUser('Mia');
      const email = await emailOf(mia);

      const granted = await runCli(['roles', 'grant', email.toUpperCase(), 'moderator', '--yes']);
      expect(granted).toMatchObject({ code: 0, err: '' });
      expect(granted.out).toContain(`Granted moderator to ${mia} (was user).`);
      expect(await users().findOne({ _id: new Types.ObjectId(mia) })).toMatchObject({ role: 'moderator' });
      expect(b.stream.state.users.get(mia)?.role).toBe('moderator');

      const listed = await runCli(['roles', 'list']);
      expect(listed.out).toMatch(new RegExp(`${mia}\\s+moderator\\s+${email}`));

      const again = await runCli(['roles', 'grant', mia, 'moderator', '--yes']);
      expect(again.out).toContain(`Unchanged: ${mia} is moderator`);
      const wrongRole = await runCli(['roles', 'revoke', mia, 'admin', '--yes']);
      expect(wrongRole).toMatchObject({ code: 0 });
      expect(wrongRole.out).toContain('Unchanged');

      const revoked = await runCli(['roles', 'revoke', mia, 'moderator', '--yes']);
      expect(revoked.out).toContain(`Revoked moderator from ${mia}: now user.`);
      expect(b.stream.state.users.get(mia)?.role).toBe('user');
      expect(
        await audit()
          .find({}, { projection: { _id: 0, createdAt: 0 } })
          .toArray(),
      ).toEqual([
        {
          actorKind: 'cli',
          osUser: userInfo().username,
          action: 'role.grant',
          targetUserId: mia,
          role: 'moderator',
          previousRole: 'user',
        },
        {
          actorKind: 'cli',
          osUser: userInfo().username,
          action: 'role.revoke',
          targetUserId: mia,
          role: 'moderator',
          previousRole: 'moderator',
        },
      ]);
    });

    it('changes nothing when refused: no --yes off a terminal, "no", a bad role or action, an unknown account', async () => {
      const mia = await seedUser('Mia');
      expect(await runCli(['roles', 'grant', mia, 'admin'])).toMatchObject({ code: 2 });
      expect(await runCli(['roles', 'grant', mia, 'admin'], { terminal: true, answer: false })).toMatchObject(
        {
          code: 1,
          asked: ['Continue?'],
        },
      );
      const badRole = await runCli(['roles', 'grant', mia, 'user', '--yes']);
      expect(badRole).toMatchObject({ code: 2 });
      expect(badRole.err).toContain('role must be moderator or admin');
      expect(await runCli(['roles', 'promote', mia, 'admin', '--yes'])).toMatchObject({ code: 2 });
      expect(await runCli(['roles', 'grant', mia, '--yes'])).toMatchObject({ code: 2 });
      const unknown = await runCli(['roles', 'grant', 'nobody@example.com', 'admin', '--yes']);
      expect(unknown).toMatchObject({ code: 1 });
      expect(unknown.err).toContain('No account with the email or id "nobody@example.com"');

      expect(await users().findOne({ _id: new Types.ObjectId(mia) })).not.toHaveProperty('role');
      expect(await audit().countDocuments()).toBe(0);
    });

    it('records each user delete-users deleted, and audit shows the log newest first, filtered and paged', async () => {
      const [mia, noa] = [await seedUser('Mia'), await seedUser('Noa')];
      await runCli(['roles', 'grant', mia, 'admin', '--yes']);
      await runCli(['delete-users', noa, new Types.ObjectId().toHexString(), '--yes']);
      expect(await audit().findOne({ action: 'user.delete' })).toMatchObject({
        actorKind: 'cli',
        targetUserId: noa,
        reason: 'delete-users: hard delete in Stream, app data deleted',
      });
      expect(await audit().countDocuments()).toBe(2); // the id found nowhere deleted nothing

      const all = await runCli(['audit']);
      expect(all.code).toBe(0);
      const rows = all.out.split('\n').filter((line) => /^\d{4}-/.test(line));
      expect(rows.map((r) => r.split(/\s+/)[3])).toEqual(['user.delete', 'role.grant']);
      expect(rows[1]).toContain('role admin (was user)');

      const first = await runCli(['audit', '--limit', '1']);
      const cursor = /More: audit --cursor (\S+)/.exec(first.out)?.[1];
      const rest = await runCli(['audit', '--cursor', cursor!]);
      expect(rest.out).toContain('role.grant');
      expect(rest.out).not.toContain('user.delete');
      expect((await runCli(['audit', '--target', mia])).out).not.toContain('user.delete');

      expect(await runCli(['audit', '--limit', '0'])).toMatchObject({ code: 2 });
      expect(await runCli(['audit', '--cursor', 'garbage'])).toMatchObject({ code: 2 });
      expect(await runCli(['audit', '--target', 'mia'])).toMatchObject({ code: 2 });
    });
  });

  describe('built entry point (node dist/cli.js)', () => {
    const exec = promisify(execFile);
    const cli = join(__dirname, '..', 'dist', 'cli.js');
    const node = (args: string[]) =>
      exec(process.execPath, [cli, ...args], { env: { ...process.env, ...b.env }, timeout: 60_000 }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (error: { code?: number; stdout: string; stderr: string; killed?: boolean }) => {
          if (error.killed) throw new Error(`dist/cli.js did not exit: ${error.stderr}`);
          return { code: error.code ?? -1, stdout: error.stdout, stderr: error.stderr };
        },
      );

    beforeAll(() => {
      if (!existsSync(cli))
        throw new Error(`${cli} is missing: run "npm run build" before these tests (CI does)`);
    });

    it('grants a role with --yes and prints roles list and audit as JSON documents', async () => {
      const mia = await seedUser('Mia');
      expect((await node(['roles', 'grant', mia, 'moderator', '--yes', '--json'])).code).toBe(0);

      const list = await node(['roles', 'list', '--json']);
      expect(list.code).toBe(0);
      expect(JSON.parse(list.stdout)).toMatchObject({
        staff: [{ _id: mia, role: 'moderator', fullName: 'Mia' }],
        exitCode: 0,
      });
      const log = await node(['audit', '--json']);
      expect(JSON.parse(log.stdout)).toMatchObject({
        entries: [{ action: 'role.grant', targetUserId: mia, actor: { kind: 'cli' }, role: 'moderator' }],
        next: null,
        exitCode: 0,
      });
    });

    it('documents every option of delete-users in --help', async () => {
      const help = await node(['delete-users', '--help']);

      expect(help.code).toBe(0);
      for (const option of ['--soft', '--stream-only', '--from-file <path>', '--dry-run', '--yes']) {
        expect(help.stdout).toContain(option);
      }
    });

    it('deletes a user for real and exits by itself, with 0; a usage error exits 2', async () => {
      const alice = await seedUser('Alice');
      const bob = await seedUser('Bob');
      await befriend(alice, bob);

      const run = await node(['delete-users', alice, '--yes']);

      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Deleted 1, not found 0, failed 0.');
      expect(await inApp(alice)).toBe(false);
      expect(await friendsOf(bob)).toEqual([]);
      expect(b.stream.state.users.has(alice)).toBe(false);

      const usage = await node(['delete-users', 'nope']);
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain('no valid user ids');
    });
  });
});
