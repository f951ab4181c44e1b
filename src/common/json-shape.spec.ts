import { checkJsonShape } from './json-shape';

const limits = { maxDepth: 4, maxArrayLength: 3 };
const check = (text: string) => checkJsonShape(Buffer.from(text), limits);

describe('checkJsonShape', () => {
  it('accepts bodies within the limits, whatever their strings contain', () => {
    expect(check('{"a":[1,2,3],"b":{"c":{"d":1}}}')).toBeUndefined();
    expect(check('{"s":"[[[[[[,,,,,]]]]]] \\" {{{{{"}')).toBeUndefined();
    expect(check('[[1,2,3],[1,2,3]]')).toBeUndefined();
  });

  it('reports nesting deeper than the limit, arrays and objects alike', () => {
    expect(check('[[[[1]]]]')).toBeUndefined();
    expect(check('[[[[[1]]]]]')).toBe('depth');
    expect(check('{"a":{"a":{"a":{"a":{"a":1}}}}}')).toBe('depth');
    expect(check('['.repeat(100_000))).toBe('depth');
  });

  it('reports an array longer than the limit at any depth, not objects with many keys', () => {
    expect(check('[1,2,3,4]')).toBe('array-length');
    expect(check('{"a":[[1,2,3,4]]}')).toBe('array-length');
    expect(check('{"a":1,"b":2,"c":3,"d":4}')).toBeUndefined();
  });
});
