import { DiscoveryService } from '@nestjs/core';
import { StreamError } from '../stream/stream.errors';
import type { StreamDeleteMode, StreamService } from '../stream/stream.service';
import type { BlocksService } from '../users/blocks.service';
import type { ExternalIdentitiesService } from '../external-identities/external-identities.service';
import type { PasskeysService } from '../passkeys/passkeys.service';
import type { SessionsService } from '../identity/sessions.service';
import type { FriendRequestsService } from '../users/friend-requests.service';
import type { FriendsService } from '../users/friends.service';
import type { UsersService } from '../users/users.service';
import { AccountDeletionService, DeletionOptions } from './account-deletion.service';
import type { EmailVerificationsService } from '../verification/email-verifications.service';
import type { PendingSignInsService } from '../second-factors/pending-sign-ins.service';
import type { SecondFactorsService } from '../second-factors/second-factors.service';

const id = (n: number) => n.toString(16).padStart(24, '0');

/** In-memory stand-ins for the three edges, logging every step in order. */
function setup(appIds: string[], streamIds: string[]) {
  const app = new Set(appIds);
  const stream = new Set(streamIds);
  const steps: string[] = [];
  /** Users whose document is gone but who are still in friend lists or requests (an interrupted deletion). */
  const leftovers = new Set<string>();
  const failures: (StreamError | undefined)[] = [];
  const deleteCalls: string[][] = [];
  const next = () => {
    const failure = failures.shift();
    if (failure) throw failure;
  };
  const users = {
    checkPassword: () => Promise.resolve('matches'),
    findExistingIds: (ids: string[]) => Promise.resolve(new Set(ids.filter((i) => app.has(i)))),
    removeFromAllFriendLists: (userId: string) => {
      steps.push(`friends ${userId}`);
      return Promise.resolve(app.has(userId) || leftovers.has(userId) ? 1 : 0);
    },
    deleteUserDocument: (userId: string) => {
      steps.push(`document ${userId}`);
      return Promise.resolve(app.delete(userId));
    },
  };
  const friendRequests = {
    deleteAllInvolving: (userId: string) => {
      steps.push(`requests ${userId}`);
      return Promise.resolve(app.has(userId) || leftovers.has(userId) ? 2 : 0);
    },
  };
  const streamService = {
    existingUserIds: (ids: string[]) => {
      next();
      return Promise.resolve(new Set(ids.filter((i) => stream.has(i))));
    },
    deleteUsers: (ids: string[], mode: StreamDeleteMode) => {
      next();
      deleteCalls.push(ids);
      ids.forEach((i) => {
        steps.push(`stream ${mode} ${i}`);
        stream.delete(i);
      });
      return Promise.resolve(Object.fromEntries(ids.map((i) => [i, { ok: true }])));
    },
  };
  const service = new AccountDeletionService(
    users as unknown as UsersService,
    users as unknown as FriendsService,
    friendRequests as unknown as FriendRequestsService,
    { deleteAllInvolving: () => Promise.resolve(0) } as unknown as BlocksService,
    streamService as unknown as StreamService,
    { endAll: () => Promise.resolve(0) } as unknown as SessionsService,
    { deleteAllOf: () => Promise.resolve(0) } as unknown as ExternalIdentitiesService,
    { deleteAllOf: () => Promise.resolve(0) } as unknown as PasskeysService,
    { discardAll: () => Promise.resolve(0) } as unknown as EmailVerificationsService,
    { deleteAllOf: () => Promise.resolve(0) } as unknown as SecondFactorsService,
    { deleteAllOf: () => Promise.resolve() } as unknown as PendingSignInsService,
    { getProviders: () => [] } as unknown as DiscoveryService,
  );
  const deleteUsers = (
    ids: string[],
    options: DeletionOptions & { onProgress?: (done: number, total: number) => void } = {},
  ) => service.deleteUsers(service.prepareDeletion(ids, options), options.onProgress);
  return { service, deleteUsers, app, stream, steps, failures, deleteCalls, leftovers };
}

describe('AccountDeletionService', () => {
  it('deletes in Stream first and the user document last', async () => {
    const { deleteUsers, steps } = setup([id(1)], [id(1)]);

    const report = await deleteUsers([id(1)]);

    expect(report.ok).toBe(true);
    expect(report.results).toEqual([
      {
        id: id(1),
        status: 'deleted',
        inApp: true,
        inStream: true,
        friendLinksRemoved: 1,
        requestsRemoved: 2,
      },
    ]);
    expect(steps).toEqual([
      `stream hard ${id(1)}`,
      `friends ${id(1)}`,
      `requests ${id(1)}`,
      `document ${id(1)}`,
    ]);
  });

  it('treats a user absent from Stream as done there and still removes the app data', async () => {
    const { deleteUsers, steps } = setup([id(1)], []);

    const report = await deleteUsers([id(1)], { mode: 'soft' });

    expect(report.results[0].status).toBe('deleted');
    expect(steps).toEqual([`friends ${id(1)}`, `requests ${id(1)}`, `document ${id(1)}`]);
  });

  it('says not-found for a user that exists nowhere', async () => {
    const { deleteUsers } = setup([], []);
    const report = await deleteUsers([id(1)]);
    expect(report.results[0]).toMatchObject({ status: 'not-found', inApp: false, inStream: false });
    expect(report.ok).toBe(true);
  });

  it('sweeps leftovers of a user whose document is already gone, and reports it deleted', async () => {
    const { deleteUsers, leftovers } = setup([], []);
    leftovers.add(id(1));
    const report = await deleteUsers([id(1)]);
    expect(report.results[0]).toMatchObject({ status: 'deleted', friendLinksRemoved: 1, requestsRemoved: 2 });
  });

  it('leaves the app data alone when Stream refuses, and reports the Stream step as failed', async () => {
    const { deleteUsers, steps, failures, app } = setup([id(1)], [id(1)]);
    failures.push(undefined, new StreamError('rejected', 'deleteUsers: bad request', 400));

    const report = await deleteUsers([id(1)]);

    expect(report.ok).toBe(false);
    expect(report.results[0]).toMatchObject({ status: 'failed', failedStep: 'stream' });
    expect(steps).toEqual([]);
    expect(app.has(id(1))).toBe(true);
  });

  it('retries a retryable Stream failure, re-checking who is still there', async () => {
    const { deleteUsers, failures } = setup([id(1)], [id(1)]);
    failures.push(undefined, new StreamError('unavailable', 'deleteUsers: HTTP 503', 503));

    const report = await deleteUsers([id(1)]);

    expect(report.results[0].status).toBe('deleted');
  });

  it('gives up after three attempts', async () => {
    const { deleteUsers, failures, app } = setup([id(1)], [id(1)]);
    const down = new StreamError('unavailable', 'queryUsers: Stream unreachable (ECONNREFUSED)');
    failures.push(down, down, down);

    const report = await deleteUsers([id(1)]);

    expect(report.results[0]).toMatchObject({ status: 'failed', failedStep: 'stream' });
    expect(report.results[0].error).toContain('ECONNREFUSED');
    expect(app.has(id(1))).toBe(true);
  });

  it('calls Stream with at most 100 ids at a time, keeping the order given', async () => {
    const ids = Array.from({ length: 250 }, (_, i) => id(i + 1));
    const { deleteUsers, deleteCalls } = setup(ids, ids);
    const progress: number[] = [];

    const report = await deleteUsers(ids, { onProgress: (done) => progress.push(done) });

    expect(deleteCalls.map((c) => c.length)).toEqual([100, 100, 50]);
    expect(progress).toEqual([100, 200, 250]);
    expect(report.results.map((r) => r.id)).toEqual(ids);
    expect(report.counts.deleted).toBe(250);
  });

  it('changes nothing on a dry run', async () => {
    const { service, steps, deleteCalls } = setup([id(1)], [id(2)]);

    const report = await service.planDeletion(service.prepareDeletion([id(1), id(2), id(3)]));

    expect(report.results.map((r) => r.status)).toEqual(['would-delete', 'would-delete', 'not-found']);
    expect(steps).toEqual([]);
    expect(deleteCalls).toEqual([]);
  });

  it('touches only Stream when keeping app data, and prunes Stream ids that are not ObjectIds', async () => {
    const { service, deleteUsers, steps } = setup([id(1)], [id(1), 'legacy-bot']);

    const kept = await deleteUsers([id(1)], { keepAppData: true });
    const pruned = await service.pruneOrphans(['legacy-bot'], 'hard');

    expect([...kept.results, ...pruned.results].map((r) => r.status)).toEqual(['deleted', 'deleted']);
    expect(steps).toEqual([`stream hard ${id(1)}`, 'stream hard legacy-bot']);
  });

  it('refuses ids that are not ObjectIds', async () => {
    const { deleteUsers } = setup([], []);
    const report = await deleteUsers(['legacy-bot', 'ABC']);
    expect(report.counts.invalid).toBe(2);
    expect(report.ok).toBe(false);
  });

  it('deleteMyAccount reports Stream unavailable when Stream cannot delete, so nothing is reported as done', async () => {
    const { service, failures } = setup([id(1)], [id(1)]);
    failures.push(new StreamError('rejected', 'queryUsers: nope', 400));
    await expect(service.deleteMyAccount(id(1), 'password')).resolves.toBe('stream-unavailable');
  });
});
