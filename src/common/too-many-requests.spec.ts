import { TooManyRequestsException, waitInWords } from './too-many-requests';

describe('waitInWords', () => {
  it('says seconds under two minutes, minutes under two hours, hours beyond, rounding up', () => {
    expect(waitInWords(0)).toBe('1 second');
    expect(waitInWords(1)).toBe('1 second');
    expect(waitInWords(59.2)).toBe('60 seconds');
    expect(waitInWords(119)).toBe('119 seconds');
    expect(waitInWords(120)).toBe('2 minutes');
    expect(waitInWords(121)).toBe('3 minutes');
    expect(waitInWords(3600)).toBe('60 minutes');
    expect(waitInWords(7200)).toBe('2 hours');
    expect(waitInWords(86_399)).toBe('24 hours');
  });
});

describe('TooManyRequestsException', () => {
  it('carries the wait in whole seconds and in words', () => {
    const e = new TooManyRequestsException('Too many mails to this address', 89.5);
    expect(e.getStatus()).toBe(429);
    expect(e.retryAfterSeconds).toBe(90);
    expect(e.getResponse()).toEqual({
      statusCode: 429,
      message: 'Too many mails to this address: try again in 90 seconds',
      error: 'Too Many Requests',
    });
  });

  it('names a way past the limit after the wait', () => {
    const e = new TooManyRequestsException('Too many attempts', 600, 'or reset your password');
    expect(e.message).toBe('Too many attempts: try again in 10 minutes, or reset your password');
  });
});
