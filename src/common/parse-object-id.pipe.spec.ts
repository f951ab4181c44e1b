import { BadRequestException } from '@nestjs/common';
import { ParseObjectIdPipe } from './parse-object-id.pipe';

describe('ParseObjectIdPipe', () => {
  const pipe = new ParseObjectIdPipe();
  const meta = { type: 'param' as const, data: 'id' };

  it('passes a canonical ObjectId through, lowercased', () => {
    expect(pipe.transform('64F1A2B3C4D5E6F708192A3B', meta)).toBe('64f1a2b3c4d5e6f708192a3b');
  });

  it.each(['abc', 'zzzzzzzzzzzzzzzzzzzzzzzz', '123456789012', '64f1a2b3c4d5e6f708192a3b0', ''])(
    'rejects %p with a 400 naming the parameter',
    (value) => {
      expect(() => pipe.transform(value, meta)).toThrow(BadRequestException);
      expect(() => pipe.transform(value, meta)).toThrow(/Invalid id/);
    },
  );
});
