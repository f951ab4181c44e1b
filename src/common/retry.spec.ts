import { backoffDelay, retry } from './retry';

const failing = (failures: number, error = new Error('transient')) => {
  const calls: number[] = [];
  const fn = (attempt: number) => {
    calls.push(attempt);
    return calls.length <= failures ? Promise.reject(error) : Promise.resolve('done');
  };
  return { fn, calls };
};
const policy = { baseMs: 1, maxMs: 4, attempts: 5, retryAfter: () => 0 };

describe('retry', () => {
  it('doubles the wait per attempt up to the cap', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, { baseMs: 100, maxMs: 500 }))).toEqual([
      100, 200, 400, 500, 500,
    ]);
  });

  it('tries again after retryable failures and returns the first success', async () => {
    const { fn, calls } = failing(2);
    await expect(retry(fn, policy)).resolves.toBe('done');
    expect(calls).toEqual([1, 2, 3]);
  });

  it('rethrows at once what retryAfter refuses', async () => {
    const { fn, calls } = failing(1, new Error('a bug'));
    await expect(retry(fn, { ...policy, retryAfter: () => false })).rejects.toThrow('a bug');
    expect(calls).toEqual([1]);
  });

  it('gives up after the last attempt with the last error', async () => {
    const { fn, calls } = failing(10);
    await expect(retry(fn, { ...policy, attempts: 3 })).rejects.toThrow('transient');
    expect(calls).toEqual([1, 2, 3]);
  });

  it('does not start a wait that would end past the deadline', async () => {
    const { fn, calls } = failing(10);
    const deadline = Date.now() + 50;
    await expect(
      retry(fn, { ...policy, attempts: Infinity, deadline, retryAfter: () => 60_000 }),
    ).rejects.toThrow('transient');
    expect(calls).toEqual([1]);
  });

  it('stops waiting when its signal aborts', async () => {
    const { fn, calls } = failing(10);
    const shutdown = new AbortController();
    const running = retry(fn, { ...policy, baseMs: 60_000, maxMs: 60_000, signal: shutdown.signal });
    shutdown.abort();
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toEqual([1]);
  });
});
