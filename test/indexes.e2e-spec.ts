import { runBuiltCli } from './cli-process';
import { createTestApp, startTestBackends, TestApp } from './harness';

interface IndexesJson {
  exitCode: number;
  missing: string[];
  built: string[];
  failed: {
    index: { name: string };
    duplicates: { value: Record<string, unknown>; count: number; ids: string[] }[];
  }[];
}

describe('Indexes that cannot fail silently', () => {
  describe('in production (indexes are never built at boot)', () => {
    let t: TestApp;
    const cliEnv = () => ({ MONGODB_URI: process.env.MONGODB_URI! });

    beforeAll(async () => {
      t = await createTestApp({ NODE_ENV: 'production' });
    });

    afterAll(async () => {
      await t.close();
    });

    it('starts, logs each missing index with the fix, and answers 503 naming them until they are built', async () => {
      expect(t.logs.entries().map((entry) => entry.msg)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/missing index users\.email_1 \{"email":1\} unique: .*indexes --apply/),
        ]),
      );
      const down = await t.http().get('/api/health').expect(503);
      expect(down.body.details.indexes).toMatchObject({
        status: 'down',
        fix: expect.stringContaining('indexes --apply'),
      });
      expect(down.body.details.indexes.missing).toEqual(
        expect.arrayContaining([
          'users.email_1 {"email":1} unique',
          'friendrequests.pairKey_1 {"pairKey":1} unique partial',
          // Derived from the registered schemas: the sessions' TTL index is required without being listed.
          expect.stringMatching(/^sessions\.\S+ \S+ TTL \d+s$/),
        ]),
      );

      const diff = await runBuiltCli(['indexes'], cliEnv());
      expect(diff.code).toBe(1);
      expect(diff.stdout).toContain('+ users.email_1 {"email":1} unique');

      const applied = await runBuiltCli(['indexes', '--apply'], cliEnv());
      expect(applied.code).toBe(0);
      const up = await t.http().get('/api/health').expect(200);
      expect(up.body.info.indexes).toEqual({ status: 'up' });
    });
  });

  it('`indexes --apply` reports a unique index that cannot build with its duplicate values, and builds the rest', async () => {
    const b = await startTestBackends();
    try {
      const { insertedIds } = await b.db
        .collection('users')
        .insertMany([{ email: 'dup@x.io' }, { email: 'dup@x.io' }]);
      const [first, second] = [String(insertedIds[0]), String(insertedIds[1])];

      const run = await runBuiltCli(['indexes', '--apply', '--json'], { MONGODB_URI: b.mongoUri });

      expect(run.code).toBe(1);
      const report = JSON.parse(run.stdout) as IndexesJson;
      expect(report.exitCode).toBe(1);
      expect(report.failed).toEqual([
        expect.objectContaining({
          index: expect.objectContaining({ name: 'email_1' }),
          duplicates: [{ value: { email: 'dup@x.io' }, count: 2, ids: [first, second] }],
        }),
      ]);
      expect(report.built).toContain('friendrequests.pairKey_1 {"pairKey":1} unique partial');
      expect(run.stderr).toContain(`{"email":"dup@x.io"} is held by 2 documents: ${first}, ${second}`);
      const names = (await b.db.collection('users').listIndexes().toArray()).map((i) => i.name as string);
      expect(names).not.toContain('email_1');
    } finally {
      await b.close();
    }
  });
});
