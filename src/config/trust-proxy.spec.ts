import { EnvValidationError, validateEnv } from './validate-env';
import { hopCountWarning, parseTrustProxy } from './trust-proxy';

const problemOf = (value: string): string | undefined => {
  try {
    validateEnv({ TRUST_PROXY: value });
    return undefined;
  } catch (error) {
    return (error as EnvValidationError).problems.join(' | ');
  }
};

describe('TRUST_PROXY', () => {
  it.each([
    ['', false],
    ['false', false],
    ['1', 1],
    ['loopback', ['loopback']],
    ['127.0.0.1', ['127.0.0.1']],
    ['loopback, 10.0.0.0/8', ['loopback', '10.0.0.0/8']],
    ['uniquelocal,172.28.5.2,fd00::/8', ['uniquelocal', '172.28.5.2', 'fd00::/8']],
    ['10.0.0.0/255.0.0.0', ['10.0.0.0/255.0.0.0']],
  ])('accepts %j as Express does', (value, parsed) => {
    expect(problemOf(value)).toBeUndefined();
    expect(parseTrustProxy(value)).toEqual(parsed);
  });

  it.each(['true', 'lopback', '10.0.0.0/33', '10.0.0', 'loopback;10.0.0.0/8', '256.1.1.1'])(
    'refuses %j at start-up with one fixed line, naming the variable but not the value',
    (value) => {
      expect(problemOf(value)).toBe(
        'TRUST_PROXY: must list the proxies in front (addresses, subnets such as 10.0.0.0/8, loopback, ' +
          'uniquelocal; comma-separated) or a hop count; "true" would let any client choose its address',
      );
    },
  );

  it('warns about a hop count only', () => {
    expect(hopCountWarning(1)).toMatch(/^TRUST_PROXY=1 trusts that many hops/);
    expect(hopCountWarning(0)).toBeUndefined();
    expect(hopCountWarning(false)).toBeUndefined();
    expect(hopCountWarning(['loopback'])).toBeUndefined();
  });
});
