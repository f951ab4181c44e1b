import { safeReturnTo, withParams } from './return-to';

describe('safeReturnTo', () => {
  const app = 'https://app.example.com/lingo';

  it('defaults to APP_URL and keeps addresses inside it, absolute or relative', () => {
    expect(safeReturnTo(undefined, app)).toBe('https://app.example.com/lingo');
    expect(safeReturnTo('', app)).toBe('https://app.example.com/lingo');
    expect(safeReturnTo('/lingo', app)).toBe('https://app.example.com/lingo');
    expect(safeReturnTo('/lingo/chat/42?tab=1#m', app)).toBe('https://app.example.com/lingo/chat/42?tab=1#m');
    expect(safeReturnTo('https://APP.example.com:443/lingo/x', app)).toBe('https://app.example.com/lingo/x');
    expect(safeReturnTo('lingo/settings', 'https://app.example.com/')).toBe(
      'https://app.example.com/lingo/settings',
    );
  });

  it.each([
    ['a protocol-relative host', '//evil.example/lingo'],
    ['a lookalike host', 'https://app.example.com.evil.example/lingo'],
    ['another port', 'https://app.example.com:8443/lingo'],
    ['another scheme', 'http://app.example.com/lingo'],
    ['a sibling path', '/lingo-admin'],
    ['a path outside the prefix', '/admin'],
    ['a dot-dot climbing out', '/lingo/../admin'],
    ['an encoded dot-dot', '/lingo/%2E%2E/admin'],
    ['a backslash', '/\\evil.example'],
    ['a tab inside', '/\tevil.example'],
    ['credentials', 'https://user:pw@app.example.com/lingo'],
    ['javascript:', 'javascript:alert(document.cookie)'],
    ['a relative path resolving outside', 'settings'],
    ['a very long address', `/lingo/${'a'.repeat(2048)}`],
  ])('refuses %s', (_what, returnTo) => {
    expect(safeReturnTo(returnTo, app)).toBeNull();
  });
});

describe('withParams', () => {
  it('adds parameters, keeping the query and the fragment', () => {
    expect(
      withParams('https://app.example.com/a?x=1#top', { error: 'invalid_state', provider: 'google' }),
    ).toBe('https://app.example.com/a?x=1&error=invalid_state&provider=google#top');
  });
});
